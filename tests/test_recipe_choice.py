"""The fine-tune recipe train.py ships is the one grouped cross-validation chose, and the docs quote that run."""

from __future__ import annotations

import json

import pytest

from benchmarks.real_photos import MIN_UNSURE_OUTSIDE, MIN_UNSURE_UNSEEN_FAMILY, MIN_UNSURE_UNSEEN_GARMENT
from model.inference import UNLIKE_ABOVE, UNSURE_BELOW
from tests.helpers import ROOT, SHIPPED

CHOICE = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["recipe_choice"]


def _misses(run: dict) -> float:
    return round(
        max(0, MIN_UNSURE_OUTSIDE - run["unsure_outside"]["mean"])
        + max(0, MIN_UNSURE_UNSEEN_GARMENT - run["unsure_unseen_garment"]["mean"])
        + max(0, MIN_UNSURE_UNSEEN_FAMILY - run["unsure_unseen_family"]["mean"]),
        4,
    )


def test_the_chosen_recipe_keeps_the_minimums_and_has_the_most_right_and_sure_answers():
    runs = CHOICE["runs"]
    assert len(runs) >= 2, "a choice needs more than one recipe"
    fewest = min(_misses(r) for r in runs)
    candidates = [r for r in runs if _misses(r) == fewest]
    best = max(candidates, key=lambda r: r["right_and_sure"]["mean"])
    assert best["recipe"] == CHOICE["chosen"]


def test_train_py_ships_the_chosen_recipe():
    import train

    assert CHOICE["shipped"] == {
        "epochs": train.REAL_EPOCHS,
        "copies": train.REAL_COPIES,
        "variation": train.REAL_VARIATION,
        "targets": train.REAL_TARGETS,
    }
    assert CHOICE["chosen"] == CHOICE["shipped"]
    metrics = json.loads((SHIPPED / "metrics.json").read_text(encoding="utf-8"))["real_photos"]
    assert {k: metrics[k] for k in CHOICE["shipped"]} == CHOICE["shipped"]  # the shipped model was trained so


@pytest.mark.parametrize("index", range(len(CHOICE["runs"])))
def test_the_docs_quote_each_recipe_run(index):
    run = CHOICE["runs"][index]
    docs = (ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8")
    rs = run["right_and_sure"]
    assert f"{rs['mean']:.1%} ± {rs['sd']:.1%}" in docs
    top = run["top1"]
    assert f"{top['mean']:.1%} ± {top['sd']:.1%}" in docs


def test_the_docs_quote_the_second_rules_tried():
    """Each score in the second rule's place, at the thresholds the rule chose for it on the runs pooled: its pooled
    right-and-sure and its thresholds, as the JSON records them."""
    unlike = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["unlike_rule"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    for name, short in (
        ("energy (Liu et al. 2020)", "energy"),
        ("relative Mahalanobis (the app's)", "the relative Mahalanobis score"),
        ("max logit (negated)", "max logit"),
    ):
        run = unlike["second_rule_scores"][name]
        assert run["pooled"]["shortfall"] == 0 and run["pooled"]["fold_models"] == 9  # "each keeping every minimum"
        said = f"{short} {100 * run['pooled']['right_and_sure']:.2f}% ({run['unsure_below']:.0%}, {run['unlike_above']:.1%})"
        assert said.replace(".0%)", "%)") in docs, name
    assert "(not done)" not in docs.split("## Not done")[0]


def test_the_readme_says_the_recipe_was_chosen_on_the_same_folds():
    readme = _readme_account()
    shipped = CHOICE["shipped"]
    assert "fine-tune recipe" in readme
    assert (
        f"({shipped['epochs']} epochs, {shipped['copies']} copies per photo: as converted + "
        f"{shipped['copies'] - 1} varied" in readme.replace("\n", " ")
    )
    others = [r["recipe"] for r in CHOICE["runs"] if r["recipe"]["variation"] == "pixels" and r["recipe"] != shipped]
    assert ", ".join(f"{r['epochs']}/{r['copies']}" for r in others) in readme.replace("\n", " ")


def test_the_chosen_recipe_is_ahead_fold_by_fold_as_the_docs_say():
    chosen = next(r for r in CHOICE["runs"] if r["recipe"] == CHOICE["chosen"])
    gaps = []
    for run in CHOICE["runs"]:
        if run is chosen:
            continue
        pairs = list(zip(chosen["right_and_sure"]["folds"], run["right_and_sure"]["folds"], strict=True))
        assert run["chosen_ahead_on_folds"] == sum(a > b for a, b in pairs)
        gaps += [100 * (a - b) for a, b in pairs]
    ahead_everywhere = all(
        run["chosen_ahead_on_folds"] == len(chosen["right_and_sure"]["folds"])
        for run in CHOICE["runs"]
        if run is not chosen
    )
    said = f"{min(gaps):.1f}–{max(gaps):.1f} points"
    for doc in (ROOT / "docs" / "real-photo-numbers.md", ROOT / "docs" / "real-photos.md"):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        assert said in text, doc
        assert ("on all 3 folds" in text) == ahead_everywhere
        assert "within the folds' sd" not in text


def test_the_docs_second_rule_follows_the_json():
    """The second rule's score was chosen under the rule before groups and not chosen again; the docs give the scores
    as the group rule ranks them on the pooled means (shortfall first, then right-and-sure, as ``choose`` ranks), the
    leader's gap to the app's score in points and in photos, and whether the rule would now choose another score."""
    scores = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["unlike_rule"]["second_rule_scores"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    short = {
        "energy (Liu et al. 2020)": "energy",
        "relative Mahalanobis (the app's)": "the relative Mahalanobis score",
        "max logit (negated)": "max logit",
    }
    ranked = sorted(scores, key=lambda n: (scores[n]["pooled"]["shortfall"], -scores[n]["pooled"]["right_and_sure"]))
    listed = ", ".join(
        f"{short[n]} {100 * scores[n]['pooled']['right_and_sure']:.2f}% ({scores[n]['unsure_below']:.0%}, "
        f"{scores[n]['unlike_above'] * 100:.4g}%)"
        for n in ranked
    )
    assert f"right-and-sure on the pooled means {listed}, each keeping every minimum." in docs
    best, ours = ranked[0], "relative Mahalanobis (the app's)"
    gap = scores[best]["pooled"]["right_and_sure"] - scores[ours]["pooled"]["right_and_sure"]
    photo = 1 / 895  # one photo of one fold's largest held-out set of photos of the ten, in one fold model
    if best != ours:
        assert 0.5 < gap / photo < 1.5  # "about one photo in each of the 9 fold models"
        assert (
            f"{short[best][0].upper()}{short[best][1:]} is now {100 * gap:.2f} points ahead of the app's score, about "
            "one photo in each of the 9 fold models" in docs
        )
        assert "so by the rule it would now be chosen. The app keeps the relative Mahalanobis score." in docs
    else:
        assert "it would now be chosen" not in docs
    assert "Chosen under the rule before groups" in docs and "Not chosen again under the group rule" in docs


def test_the_docs_weigh_the_unlike_rule_at_equal_cost_as_measured():
    results = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))
    rule, grid = results["unlike_rule"], results["cross_validation"]["grid"]
    alone, both, matched = rule["without"], rule["with"], rule["matched"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    cost = 100 * (alone["right_and_sure"]["mean"] - both["right_and_sure"]["mean"])
    # review 135 M5: the unseen garment against its 80% minimum in two decimals (79.97% is no "80.0%")
    garments = [r["unsure_unseen_garment"]["mean"] for r in (alone, both)]
    assert max(garments) < MIN_UNSURE_UNSEEN_GARMENT  # "under the 80% minimum with the rule and without"
    assert (
        f'on the table\'s folds at the {UNSURE_BELOW:.0%} threshold: "Not sure" on the unseen '
        f"garment {garments[0]:.2%} → {garments[1]:.2%} (under the 80% minimum with the rule and without), on the "
        f"unseen generated family {alone['unsure_unseen_family']['mean']:.1%} → {both['unsure_unseen_family']['mean']:.1%}"
        f", on hats etc. {alone['unsure_outside']['mean']:.1%} → {both['unsure_outside']['mean']:.1%}, for {cost:.1f} "
        f"points of right-and-sure ({alone['right_and_sure']['mean']:.1%} → {both['right_and_sure']['mean']:.1%})"
    ) in docs
    kept = [  # the grid is the runs' pooled means (the thresholds were chosen on them)
        g
        for g in grid
        if g["unlike_above"] == 1.0
        and g["unsure_outside"] >= 0.88
        and g["unsure_unseen_garment"] >= 0.80
        and g["unsure_unseen_family"] >= 0.80
    ]
    lowest = min(kept, key=lambda g: g["unsure_below"])
    app = next(g for g in grid if (g["unsure_below"], g["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE))
    steps = sorted({g["unsure_below"] for g in grid})
    assert {round(b - a, 4) for a, b in zip(steps, steps[1:], strict=False)} == {0.05}  # "steps of 0.05"
    assert (
        f"the probability alone needs {lowest['unsure_below']:.0%} to keep all three minimums on the pooled means, "
        f"where right-and-sure is {lowest['right_and_sure']:.1%} (`cross_validation.grid`), against "
        f"{app['right_and_sure']:.1%} with the rule at {UNSURE_BELOW:.0%} and {UNLIKE_ABOVE * 100:.4g}%" in docs
    )
    # reviews 124 #4, 125 #1: in 0.1-point steps, a threshold alone at the rule's cost, beside the rule
    assert abs(matched["right_and_sure"]["mean"] - both["right_and_sure"]["mean"]) < 0.001  # "at equal cost"
    assert (
        f"At equal cost, a probability threshold alone raised to {100 * matched['unsure_below']:.1f}% (in 0.1-point "
        f"steps, `unlike_rule.matched`) answers {matched['right_and_sure']['mean']:.1%} right-and-sure and says "
        f'"Not sure" on {matched["unsure_unseen_garment"]["mean"]:.1%} of the unseen garment, '
        f"{matched['unsure_unseen_family']['mean']:.1%} of the unseen family and "
        f"{matched['unsure_outside']['mean']:.1%} of hats etc." in docs
    )
    more = {k: 100 * (matched[k]["mean"] - both[k]["mean"]) for k in MINIMUMS}
    if min(more.values()) > -1e-9:  # the threshold alone says "Not sure" at least as often on each
        assert f"as often as the rule or more on each, by up to {max(more.values()):.1f} points." in docs
        assert 'adds no "Not sure" that a threshold alone at equal cost does not' in docs
    else:
        assert "as often as the rule or more on each" not in docs and 'adds no "Not sure"' not in docs
    # review 125 #3: the grid's 5-point steps hid a probability threshold alone that keeps the minimums
    alone = results["cross_validation"]["probability_alone"]
    assert alone["unsure_below"] < lowest["unsure_below"] and alone["shortfall"] == 0
    ahead = 100 * (alone["right_and_sure"] - app["right_and_sure"])
    assert ahead > 0  # "more than the rule"
    assert (
        f"in 0.1-point steps it keeps them from {100 * alone['unsure_below']:.1f}%, with "
        f"{alone['right_and_sure']:.1%} right-and-sure, {ahead:.1f} points more than the rule at the app's thresholds "
        "(`cross_validation.probability_alone`)" in docs
    )
    assert (
        f"So on these folds the {UNLIKE_ABOVE * 100:.4g}% line costs about {ahead:.1f} points of right-and-sure" in docs
    )
    # the search keeps the rule on (benchmarks.real_photos._best): it chose a cut under 1 where the line off was ahead
    off = next(g for g in grid if (g["unsure_below"], g["unlike_above"]) == (UNSURE_BELOW, 1.0))
    assert off["right_and_sure"] > app["right_and_sure"] and UNLIKE_ABOVE < 1.0
    assert "The search keeps it on all the same (`benchmarks/real_photos.py`, `_best`, since 2026-12-06)" in docs
    fine = results["cross_validation"]["fine_choice"]  # review 126 #1: the rule searched as finely
    assert fine["unsure_outside"] >= 0.88 and fine["unsure_unseen_garment"] >= 0.80 <= fine["unsure_unseen_family"]
    edge = [100 * (p["unsure_unseen_garment"] - 0.80) for p in (fine, app)]
    assert (
        f"a {fine['unlike_above'] * 100:.4g}% line with a {100 * fine['unsure_below']:.1f}% threshold keeps every "
        f"minimum with {fine['right_and_sure']:.1%} right-and-sure on the pooled means (`cross_validation.fine_choice`; "
        f"the unseen garment at {fine['unsure_unseen_garment']:.1%}, on the minimum's edge: {edge[0]:.3f} points above "
        f"it, against {edge[1]:.2f} at the app's {UNSURE_BELOW:.0%}), "
        f"{100 * (fine['right_and_sure'] - app['right_and_sure']):.1f} points more than the app's thresholds" in docs
    )


def test_the_targets_gain_is_set_against_the_same_thresholds():
    runs = {
        (r["recipe"]["targets"], r["recipe"]["variation"], r["recipe"]["epochs"], r["recipe"]["copies"]): r
        for r in CHOICE["runs"]
    }
    ours, before = runs[("committed", "pixels", 5, 5)], runs[("any-of", "pixels", 5, 5)]
    same, alike = before["at_chosen_thresholds"], ours["at_chosen_thresholds"]
    assert alike["right_and_sure"]["mean"] == pytest.approx(ours["right_and_sure"]["mean"])  # ours at its own
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    below, unlike = (ours["chosen"][k] for k in ("unsure_below", "unlike_above"))
    assert (
        f"at the same {below:.0%} and {unlike:.0%}, the `any-of` run answers {same['right_and_sure']['mean']:.1%} "
        f'right-and-sure, but says "Not sure" on only {same["unsure_outside"]["mean"]:.1%} of hats etc. and '
        f"{same['unsure_unseen_garment']['mean']:.1%} of the unseen garment, under their minimums"
    ) in docs
    assert same["unsure_outside"]["mean"] < 0.88 and same["unsure_unseen_garment"]["mean"] < 0.80
    margins = (100 * (alike["unsure_outside"]["mean"] - 0.88), 100 * (alike["unsure_unseen_garment"]["mean"] - 0.80))
    assert f"above their minimums by only {margins[0]:.1f} and {margins[1]:.1f} points" in docs


def test_the_docs_say_on_how_many_folds_each_minimum_falls_short():
    """Review 21a: "each minimum is missed on one fold" was wrong for the unseen garment (two folds)."""
    cv = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["cross_validation"]["cv"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    said = []
    for key, minimum, name in (
        ("unsure_outside", MIN_UNSURE_OUTSIDE, "hats etc."),
        ("unsure_unseen_garment", MIN_UNSURE_UNSEEN_GARMENT, "the unseen garment"),
        ("unsure_unseen_family", MIN_UNSURE_UNSEEN_FAMILY, "the unseen family"),
    ):
        short = [f for f in cv[key]["folds"] if f < minimum]
        count = {0: "none", 1: "one", 2: "two", 3: "all three"}[len(short)] + (
            " fold" if not said and len(short) == 1 else ""
        )
        figures = f" ({', '.join(f'{f:.1%}' for f in short)})" if short else ""
        said.append(f"{name} falls short on {count}{figures}")
    assert f"{said[0]}, {said[1].replace(' falls short', '')} and {said[2].replace(' falls short', '')}" in docs
    assert "each minimum is missed on one fold" not in docs


MINIMUMS = {
    "unsure_outside": MIN_UNSURE_OUTSIDE,
    "unsure_unseen_garment": MIN_UNSURE_UNSEEN_GARMENT,
    "unsure_unseen_family": MIN_UNSURE_UNSEEN_FAMILY,
}


def _same_thresholds() -> tuple[dict, dict, list[dict], dict]:
    """The chosen run, the photo-variation run, the other any-of runs on converted pixels, and the chosen thresholds."""
    chosen = next(r for r in CHOICE["runs"] if r["recipe"] == CHOICE["chosen"])
    photos = next(r for r in CHOICE["runs"] if r["recipe"]["variation"] == "photos")
    pixels = [r for r in CHOICE["runs"] if r is not chosen and r is not photos]
    return chosen, photos, pixels, chosen["chosen"]


def test_the_readme_sets_the_recipes_lead_against_the_same_thresholds():
    """Review 22a #9: at the shipped thresholds the photo-variation run answers more right-and-sure than the shipped
    recipe, the pixel runs a little less, and every one misses minimums there; the README says so from the JSON."""
    chosen, photos, pixels, at = _same_thresholds()
    ours = chosen["right_and_sure"]["mean"]
    gaps = [100 * (ours - r["at_chosen_thresholds"]["right_and_sure"]["mean"]) for r in pixels]
    behind = 100 * (photos["at_chosen_thresholds"]["right_and_sure"]["mean"] - ours)
    assert min(gaps) > 0 and behind > 0  # the shipped branch: ahead of the pixel runs, behind varied photos
    misses = {sum(r["at_chosen_thresholds"][k]["mean"] < m for k, m in MINIMUMS.items()) for r in [*pixels, photos]}
    words = {2: "two", 3: "three", 5: "five"}
    readme = " ".join(_readme_account().split())
    names = ", ".join(f"{r['recipe']['epochs']}/{r['recipe']['copies']}" for r in pixels[:-1])
    last = pixels[-1]["recipe"]
    assert (  # review 84a #1: means, said as means
        f"At the same {at['unsure_below']:.0%} and {at['unlike_above']:.0%} its mean is {min(gaps):.1f}–"
        f"{max(gaps):.1f} points above those of {names} and {last['epochs']}/{last['copies']} ("
    ) in readme
    assert (
        f"and {behind:.1f} points below varied photos' "
        f"({photos['at_chosen_thresholds']['right_and_sure']['mean']:.1%} against {ours:.1%}), but each of those "
        f"{words[len(pixels) + 1]} misses {' or '.join(words[n] for n in sorted(misses))} of the minimums there"
    ) in readme
    assert "most of that lead is the lower threshold" in readme and "mostly through the lower threshold" not in readme


def test_the_readme_tables_the_recipes_from_the_json():
    """Review 139 M6: the recipe comparison as a table, one row per run of ``recipe_choice``, each at the thresholds
    its own folds chose and at the shipped recipe's, with the minimums it misses there; and no unsourced figure."""
    chosen, photos, pixels, at = _same_thresholds()
    readme = " ".join(_readme_account().split())
    # review 140 #10: the app ships other thresholds now; the header says these were shipped until 2026-12-05 and
    # that the second is the "unlike" line
    assert (
        f"| recipe | thresholds its folds chose | right-and-sure there | right-and-sure at {at['unsure_below']:.0%} and "
        f'the {at["unlike_above"]:.0%} "unlike" line (shipped until 2026-12-05) | "Not sure" minimums missed there |'
        in readme
    )
    assert "right-and-sure at the shipped 40%, 90%" not in readme
    for run in [chosen, *pixels, photos]:
        recipe, own, same = run["recipe"], run["chosen"], run["at_chosen_thresholds"]
        name = f"{recipe['epochs']}/{recipe['copies']}, {recipe['targets']}"
        name += " (shipped)" if run is chosen else ", varied photos" if run is photos else ""
        missed = sum(same[k]["mean"] < m for k, m in MINIMUMS.items())
        row = (
            f"| {name} | {own['unsure_below']:.0%}, {own['unlike_above']:.0%} | {run['right_and_sure']['mean']:.1%} | "
            f"{same['right_and_sure']['mean']:.1%} | {'none' if not missed else f'{missed} of {len(MINIMUMS)}'} |"
        )
        assert row in readme, row
    # review 139 M1: figures no JSON key holds and no named command writes are gone
    for unsourced in ("66.8–67.6%", "0.7–3.0 points", "3.6–4.4 over varied photos", "spanned 0.4 points", "74.9–76.6%"):
        assert unsourced not in readme, unsourced
    docs = _docs()
    for unsourced in ("70.7–71.1%", "0.7–3.0 points", "(67.6%, 66.8%, 67.2%", "71.1%, 70.8% and 70.7%", "76.6%, 74.9%"):
        assert unsourced not in docs, unsourced
    # what replaced them: the rule's choice for mirror-averaged answers on the three later runs pooled, from the JSON
    # as it stood before the group rule
    import subprocess

    before = json.loads(
        subprocess.run(
            ["git", "show", "387dada:model/weights/real_photos.json"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    )["test_time_flip"]["mirror averaged"]
    said = (
        f"on the three later runs pooled, the rule chose {before['unsure_below']:.0%} and "
        f"{before['unlike_above']:.0%} for mirror-averaged answers (`git show 387dada:model/weights/real_photos.json`, "
        "`test_time_flip`)"
    )
    assert (
        said in readme
        and said.replace("on the three later runs pooled", "on the three later runs of the shipped recipe pooled")
        in docs
    )
    assert before["unsure_below"] > at["unsure_below"]  # "The first run's 40% did not recur"
    # review 140 #2: the docs' first-run paragraph rests on the same stored choice, not on "Not sure" rates at 40%
    # that no stored run holds
    assert (
        f"The rerun and the two other seeds did not repeat its choice of {at['unsure_below']:.0%}: pooled, the rule "
        f"chose {before['unsure_below']:.0%} and {before['unlike_above']:.0%} (387dada's `test_time_flip`), so those "
        "figures are likely optimistic." in docs
    )
    assert 'did not repeat its "Not sure" rates at 40% (below)' not in docs


def test_the_docs_give_the_photo_variation_run_at_the_same_thresholds():
    """Review 22a #12, #13: the photo-variation run at the shipped thresholds, fold by fold, and its misses there."""
    chosen, photos, _, at = _same_thresholds()
    same = photos["at_chosen_thresholds"]
    ours = chosen["right_and_sure"]
    more = sum(a > b for a, b in zip(same["right_and_sure"]["folds"], ours["folds"], strict=True))
    assert more == len(ours["folds"]) == 3  # the shipped branch: more on every fold
    short = [k for k, m in MINIMUMS.items() if same[k]["mean"] < m]
    assert len(short) == 3 and all(same[k]["mean"] < chosen[k]["mean"] for k in MINIMUMS)
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    assert (
        f"At {at['unsure_below']:.0%} and {at['unlike_above']:.0%} it answers more photos right-and-sure "
        f"than the shipped recipe ({same['right_and_sure']['mean']:.1%} against {ours['mean']:.1%}, more on all 3 "
        'folds), but says "Not sure" less often than it on all three things it should refuse (hats etc. '
        f"{same['unsure_outside']['mean']:.1%}, the unseen garment {same['unsure_unseen_garment']['mean']:.1%}, the "
        f"unseen family {same['unsure_unseen_family']['mean']:.1%}), each under its minimum. So the rule asked for a "
        f"{photos['chosen']['unsure_below']:.0%} threshold, where right-and-sure is "
        f"{photos['right_and_sure']['mean']:.1%}, under the shipped recipe's {ours['mean']:.1%} at its "
        f"{at['unsure_below']:.0%}"
    ) in docs
    assert (
        f"At the same {at['unsure_below']:.0%} and {at['unlike_above']:.0%}, the photo-variation run has more "
        f'({same["right_and_sure"]["mean"]:.1%} against {ours["mean"]:.1%}), but misses all three "Not sure" '
        "minimums there."
    ) in docs
    assert "each at the thresholds its own folds chose, the shipped recipe has more right-and-sure answers" in docs
    assert "became surer of the garment it never saw" not in docs


def test_the_docs_say_the_chosen_unlike_cut_is_the_grids_strictest():
    """Review 22a #14: 90% is the lowest (strictest) "unlike" cut the grid tried, so the choice sits on its edge."""
    results = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))
    cuts = sorted({g["unlike_above"] for g in results["cross_validation"]["grid"]})
    chosen = results["unlike_rule"]["chosen"]["unlike_above"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    assert f'"unlike" cuts {cuts[0]:.2f}–{cuts[-1]:.1f}' in docs
    said = f"{chosen:.0%} is the strictest cut in the grid, so a stricter one was not tried."
    assert (said in docs) == (chosen == cuts[0])


def test_the_cv_unlike_score_is_said_to_be_refitted_on_the_constants_train_uses():
    """Review 28a #6: the folds' "unlike" score is refitted on fewer Fashion-MNIST images than the shipped one."""
    import train

    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    assert (
        f"refitted for each fold on its training photos of the ten classes and {train.CV_REFERENCE_FM:,} Fashion-MNIST "
        "images; the "
        f"shipped score used {train.OOD_FIT_IMAGES:,})" in docs
    )
    assert docs.count("`python -m benchmarks.no_object DIR`") == 1


def _synthetic_run(hat_top: list[float]) -> dict:
    """Three folds of 10 T-shirts (T-shirt/top at 90%), 10 hats (top class at HAT_TOP[fold]) and 10 skirts (30%),
    the skirt being each fold's unseen garment; 20 generated pictures per fold at 30%; nothing unusual. The hats',
    skirts' and generated pictures' top class is Trouser, in no group (model.data.GROUPS), so the "Not sure" rule
    reads its own probability."""
    import numpy as np

    from model.data import CLASS_NAMES, GROUPS

    alone = CLASS_NAMES.index("Trouser")
    assert not any("Trouser" in members for members in GROUPS.values())

    def rows(top: float, n: int, cls: int = 0) -> np.ndarray:
        p = np.full((n, 10), (1 - top) / 9)
        p[:, cls] = top
        return p

    folder, row_probs, row_fold = [], [], []
    for k, hat in enumerate(hat_top):
        for name, top, cls in (("t-shirt", 0.9, 0), ("hat", hat, alone), ("skirt", 0.3, alone)):
            folder += [name] * 10
            row_probs.append(rows(top, 10, cls))
            row_fold += [k] * 10
    n = len(folder)
    return {
        "folder": np.array(folder),
        "row_index": np.arange(n),
        "row_fold": np.array(row_fold),
        "row_kind": np.array(["held-out photographer"] * n),
        "row_probs": np.concatenate(row_probs),
        "row_percentile": np.full(n, 0.5),
        "folds": [{"fold": k, "left_out_garment": "skirt"} for k in range(3)],
        "generated_fold": np.repeat(np.arange(3), 20),
        "generated_probs": rows(0.3, 60, alone),
        "generated_percentile": np.full(60, 0.5),
        "generated_held_out": np.tile(np.repeat([True, False], 10), 3),
    }


def test_the_held_out_choice_scores_each_fold_at_thresholds_chosen_without_it():
    from benchmarks.real_photos import PROBABILITY_GRID, held_out_choice

    # hats reach 40% on folds 0 and 1 but just over the app's threshold on fold 2: a choice that never saw fold 2
    # takes 45% (the lowest 5-point step above 40%) and answers fold 2's hats; a choice that saw fold 2 needs the
    # lowest step above fold 2's hats
    high = round(UNSURE_BELOW + 0.02, 2)
    need = min(t for t in PROBABILITY_GRID if t > high)
    result = held_out_choice([_synthetic_run([0.40, 0.40, high])])
    assert [f["unsure_below"] for f in result["folds"]] == [need, need, 0.45]
    assert [f["unsure_outside"] for f in result["folds"]] == [1.0, 1.0, 0.0]
    assert result["unsure_outside"]["mean"] == pytest.approx(2 / 3)
    assert result["right_and_sure"]["mean"] == 1.0  # every T-shirt at 90% is answered at either threshold
    # beside it, each fold at the app's thresholds, which answer fold 2's hats but not those at 40%
    assert 0.40 < UNSURE_BELOW <= high and UNLIKE_ABOVE >= 0.5
    assert [f["at_app"]["unsure_outside"] for f in result["folds"]] == [1.0, 1.0, 0.0]
    assert [f["at_app_on_the_others"]["unsure_outside"] for f in result["folds"]] == [0.5, 0.5, 1.0]


def _nested() -> tuple[dict, dict, dict]:
    cv = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["cross_validation"]
    return cv, cv["held_out_choice"]["grid"], cv["held_out_choice"]["fine"]


def _pm(stat: dict) -> str:
    return f"{stat['mean']:.1%} ± {stat['sd']:.1%}"


def _signed(x: float) -> str:
    """+1.2, −1.2, and 0.0 for no gap at all, as the docs write fold-by-fold gaps."""
    return "0.0" if f"{abs(x):.1f}" == "0.0" else f"{x:+.1f}".replace("-", "−")


def _line(cut: float) -> str:
    return f"a {cut * 100:.4g}% line"


def test_the_docs_give_the_threshold_search_cross_validated():
    cv, grid, fine = _nested()
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    assert [len(n["folds"]) for n in (grid, fine)] == [3, 3]
    assert [f["left_out_garment"] for f in cv["fold_details"]] == ["hat", "shorts", "skirt"]  # as the docs name them
    app = (cv["app"]["unsure_below"], cv["app"]["unlike_above"])
    chosen = [(f["unsure_below"], f["unlike_above"]) for f in grid["folds"]]
    # each fold's choice in words, read from the JSON: the app's own, or its threshold and line
    assert chosen[0] == app  # "the app's 70% and 99.5% for held-out fold 0"
    assert (
        f"The 5-point grid chose the app's {app[0]:.0%} and {app[1] * 100:.4g}% for held-out fold 0 (chosen on folds 1 "
        f"and 2), {chosen[1][0]:.0%} with {_line(chosen[1][1])} for fold 1, and {chosen[2][0]:.0%} with "
        f"{_line(chosen[2][1])} for fold 2." in docs
    )
    looser = [f for f in grid["folds"] if f["unlike_above"] < app[1]]  # lines stricter than the app's
    assert [f["fold"] for f in looser] == [1]
    assert (
        f"Fold 1's {looser[0]['unlike_above'] * 100:.4g}% line holds back {looser[0]['unlike_known']:.1%} of that fold's "
        f'photos of the ten as "unlike" (the app\'s {app[1] * 100:.4g}%: {grid["at_app"]["unlike_known"]["mean"]:.1%})'
        in docs
    )
    garment = [f["unsure_unseen_garment"] for f in grid["folds"]]
    at_app_garment = [f["at_app"]["unsure_unseen_garment"] for f in grid["folds"]]
    assert garment[0] < 0.8 <= min(garment[1:]) and at_app_garment[0] < 0.8  # "under the 80% minimum as at the app's"
    assert (
        f"right-and-sure is {_pm(grid['right_and_sure'])} (± here: the sd of the 3 held-out folds, each the mean of its "
        f"3 models), against {_pm(grid['at_app']['right_and_sure'])} for the same folds at the app's thresholds; "
        f'"Not sure" on {_pm(grid["unsure_outside"])} of hats etc., on {_pm(grid["unsure_unseen_garment"])} of the '
        f"unseen garment ({garment[0]:.1%} on fold 0, under the 80% minimum as at the app's thresholds; "
        f"{garment[1]:.1%} and {garment[2]:.1%} on folds 1 and 2) and on {_pm(grid['unsure_unseen_family'])} of the "
        "unseen family" in docs
    )
    gap = [100 * (f["right_and_sure"] - f["at_app"]["right_and_sure"]) for f in grid["folds"]]
    mean_gap = 100 * (grid["right_and_sure"]["mean"] - grid["at_app"]["right_and_sure"]["mean"])
    assert gap[0] == 0 and gap[1] < 0 and gap[2] < 0  # fold 0 nests to the app's own thresholds
    assert (
        f"Fold by fold, nested minus the app's thresholds, the gap is {_signed(gap[0])}, {_signed(gap[1])} and "
        f"{_signed(gap[2])} points (mean {_signed(mean_gap)}): fold 0's choice is the app's own" in docs
    )
    # why folds 1 and 2 moved: the app's thresholds on the two folds each choice was made on
    on_others = [f["at_app_on_the_others"]["unsure_unseen_garment"] for f in grid["folds"]]
    assert on_others[1] < 0.8 and on_others[2] < 0.8 and at_app_garment[2] >= 0.8
    assert chosen[1][0] == app[0] and chosen[1][1] < app[1]  # fold 1: "added a ... line"
    assert chosen[2][0] > app[0] and chosen[2][1] == app[1]  # fold 2: "raised the threshold"
    # review 135 L9: on fold 1's two folds the unseen family was under its minimum too
    family = grid["folds"][1]["at_app_on_the_others"]["unsure_unseen_family"]
    assert family < MIN_UNSURE_UNSEEN_FAMILY
    assert (
        f"fold 1's, made on folds 0 and 2, where the app's thresholds leave their unseen garments (hats, skirts) at "
        f'{on_others[1]:.1%} "Not sure", just under the minimum, and their unseen generated families at {family:.1%}, '
        "under theirs too (`held_out_choice.grid.folds[1].at_app_on_the_others`), added "
        f"{_line(chosen[1][1])}; fold 2's, made on folds "
        f"0 and 1, where they leave theirs (hats, shorts) at {on_others[2]:.1%}, raised the threshold to "
        f"{chosen[2][0]:.0%}, which fold 2's skirts ({at_app_garment[2]:.1%} at the app's thresholds) did not need"
        in docs
    )
    # "with three folds it cannot be told apart from zero": a one-sample t on the fold gaps, under t(0.975, 2 df)
    import statistics

    sd = statistics.stdev(gap)
    t = abs(statistics.mean(gap)) / (sd / len(gap) ** 0.5)
    assert t < 4.303
    assert (  # review 135 M7, L8: a mean gap three folds cannot tell from zero, and how its sd was computed
        f"a mean gap of {-mean_gap:.1f} points, which three folds cannot tell from zero (the sample sd of the three "
        f"fold gaps is {sd:.1f} points, so their mean is {t:.1f} standard errors from zero, under the 4.3 a two-sided "
        "t-test at 5% needs with 2 degrees of freedom)" in docs
    )
    assert "the gaps' sd" not in docs and "flatters by" not in docs
    before = cv["top_class_rule"]["nested"]["right_and_sure"]
    assert f"The rule before groups, nested the same way, gives {_pm(before)}" in docs
    assert (
        f'The 0.1-point steps, nested, answer {_pm(fine["right_and_sure"])} right-and-sure, and say "Not sure" on '
        f"{_pm(fine['unsure_unseen_garment'])} of the unseen garment, {_pm(fine['unsure_unseen_family'])} of the unseen "
        f"family and {_pm(fine['unsure_outside'])} of hats etc." in docs
    )
    more = [
        100 * (a["right_and_sure"] - b["right_and_sure"]) for a, b in zip(fine["folds"], grid["folds"], strict=True)
    ]
    less = [
        100 * (a["unsure_unseen_garment"] - b["unsure_unseen_garment"])
        for a, b in zip(fine["folds"], grid["folds"], strict=True)
    ]
    assert f"(+{min(more):.1f} to +{max(more):.1f} points)" in docs and min(more) > 0
    assert f"on all three (−{-max(less):.1f} to −{-min(less):.1f})" in docs and max(less) < 0
    sds = sorted(round(100 * n["unsure_unseen_garment"]["sd"]) for n in (grid, fine))
    assert f"(sd {sds[0]}–{sds[1]} points, mostly which garment it is)" in docs
    nine = cv["all_runs"]["right_and_sure"]["mean"]
    assert abs(nine - grid["at_app"]["right_and_sure"]["mean"]) < 1e-9  # the same 9 models, weighted alike
    assert (
        f"for the threshold search alone, nesting it gives a mean gap of {-mean_gap:.1f} points of right-and-sure, "
        "which three folds cannot tell from zero" in docs
    )


def test_the_readme_gives_the_threshold_search_cross_validated():
    """The README's summary of the nested check, from the JSON (README.md is edited apart from docs/real-photos.md)."""
    cv, grid, fine = _nested()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    gap = [100 * (f["right_and_sure"] - f["at_app"]["right_and_sure"]) for f in grid["folds"]]
    mean_gap = 100 * (grid["at_app"]["right_and_sure"]["mean"] - grid["right_and_sure"]["mean"])
    assert (
        f"the app's rule gives {_pm(grid['right_and_sure'])} right-and-sure against "
        f"{cv['all_runs']['right_and_sure']['mean']:.1%} for the same 9 fold models at its thresholds "
        f"({', '.join(_signed(g) for g in gap[:-1])} and {_signed(gap[-1])} points fold by fold: a mean gap of "
        f"{mean_gap:.1f} points, which three folds cannot tell from zero)" in readme
    )
    assert (
        "the rule before groups (the top class's own probability: next paragraph), nested the same way, "
        f"{_pm(cv['top_class_rule']['nested']['right_and_sure'])}" in readme
    )
    assert (
        f'the 0.1-point search, nested, gives {fine["right_and_sure"]["mean"]:.1%}, and says "Not sure" on '
        f"{fine['unsure_unseen_garment']['mean']:.1%} of the unseen garment against "
        f"{grid['unsure_unseen_garment']['mean']:.1%}" in readme
    )


def _span(values, fmt=".1%") -> str:
    return f"{min(values):{fmt}}–{max(values):{fmt}}".replace("%–", "–")


def _targets_tried() -> tuple[dict, list[dict], dict]:
    tried = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["targets_tried"]
    runs = tried["runs"]
    shipped = [r for r in runs if r["recipe"]["targets"] == "committed"]
    variants = {r["recipe"]["targets"]: r for r in runs if r["recipe"]["targets"] != "committed"}
    assert len(shipped) == 3 and set(variants) == {"sleeves", "kinds"}
    return tried, shipped, variants


def _pooled_at_app() -> dict:
    """The three runs' 9 fold models pooled at the app's thresholds, where the rule checks its minimums."""
    grid = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["cross_validation"]["grid"]
    return next(g for g in grid if (g["unsure_below"], g["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE))


def _garment(value: float) -> str:
    """An unseen garment's "Not sure" share as the docs write it: under the 80% minimum with two decimals, so that
    79.97% does not read as 80.0%."""
    return f"{value:.2%} (under 80%)" if value < 0.8 else f"{value:.1%}"


def test_the_docs_give_the_target_variants_tried_as_measured():
    tried, shipped, variants = _targets_tried()
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    labels = ["the rerun (seed + 0)", "seed + 1000", "seed + 2000"]
    for label, r in [*zip(labels, shipped, strict=True), *(("the rerun's seeds", v) for v in variants.values())]:
        targets = "committed (shipped)" if r in shipped else r["recipe"]["targets"]
        row = (
            f"| {label} | {targets} | {r['chosen']['unsure_below']:.0%}, {r['chosen']['unlike_above'] * 100:.4g}% | "
            f"{r['right_and_sure']['mean']:.1%} | {r['at_app']['right_and_sure']['mean']:.1%} | "
            f"{_garment(r['at_app']['unsure_unseen_garment']['mean'])} | {r['top1']['mean']:.1%} | "
            + " | ".join(f"{r['per_folder'][f]:.1%}" for f in ("t-shirt", "outwear", "shoes"))
            + " |"
        )
        assert row in docs, row
    assert f"at the app's {UNSURE_BELOW:.0%}, {UNLIKE_ABOVE * 100:.4g}%: right and sure" in docs
    span = _span
    top1 = span([r["top1"]["mean"] for r in shipped])
    at_app = span([r["at_app"]["right_and_sure"]["mean"] for r in shipped])
    own_span = span([r["right_and_sure"]["mean"] for r in shipped])
    sleeves, kinds = variants["sleeves"], variants["kinds"]
    assert f"against {top1} for the shipped targets' three seeds" in docs
    # at each run's own thresholds, both variants under the seeds' range ("Which numbers chose what")
    assert max(v["right_and_sure"]["mean"] for v in variants.values()) < min(
        r["right_and_sure"]["mean"] for r in shipped
    )
    assert (
        f"At each run's own thresholds, sleeves ({sleeves['right_and_sure']['mean']:.1%}) and kinds "
        f"({kinds['right_and_sure']['mean']:.1%}) fall under the seeds' {own_span}." in docs
    )
    assert (
        f"at each run's own thresholds its {sleeves['right_and_sure']['mean']:.1%} is under the shipped seeds' {own_span}."
        in docs
    )
    # sleeves at the app's thresholds, fold by fold against each seed
    mine = sleeves["at_app"]["right_and_sure"]["folds"]
    seeds = [r["at_app"]["right_and_sure"]["folds"] for r in shipped]
    below = [100 * (s[k] - mine[k]) for k in (0, 2) for s in seeds]
    assert min(below) > 0  # "lower than each seed on folds 0 and 2"
    fold1 = [100 * (mine[1] - s[1]) for s in seeds]
    assert fold1[0] == 0 and fold1[1] > 0 and fold1[2] > 0 and abs(fold1[1] - fold1[2]) < 0.05
    assert (
        f"right-and-sure is {sleeves['at_app']['right_and_sure']['mean']:.1%} against {at_app}, lower than each seed on "
        f"folds 0 and 2 (by {min(below):.1f}–{max(below):.1f} points), and on fold 1 level with the rerun and "
        f"{fold1[1]:.1f} points above the other two" in docs
    )
    garments = [r["at_app"]["unsure_unseen_garment"]["mean"] for r in shipped]
    hats = [r["at_app"]["unsure_outside"]["mean"] for r in shipped]
    assert sleeves["at_app"]["unsure_unseen_garment"]["mean"] > max(garments)  # "a little more"
    assert sleeves["at_app"]["unsure_unseen_garment"]["mean"] - max(garments) < 0.005
    assert sleeves["at_app"]["unsure_outside"]["mean"] < min(hats)  # "less of hats etc."
    assert (
        f'it says "Not sure" on a little more of the unseen garment there '
        f"({sleeves['at_app']['unsure_unseen_garment']['mean']:.1%} against {span(garments)}) and on less of hats etc. "
        f"({sleeves['at_app']['unsure_outside']['mean']:.1%} against {span(hats)}), so caution explains little of that "
        "gap" in docs
    )
    read = sleeves["read_as"]
    before = shipped[0]["read_as"]
    assert (
        f"Long sleeves went to Shirt ({read['longsleeve']['Shirt']} of {sum(read['longsleeve'].values())}, from "
        f"{before['longsleeve']['Shirt']}; Pullover {read['longsleeve']['Pullover']}, from {before['longsleeve']['Pullover']})"
        in docs
    )
    as_shirt = [r["read_as"]["t-shirt"]["Shirt"] for r in shipped]
    assert (
        f"58 of {sum(read['t-shirt'].values())} ({min(as_shirt)}–{max(as_shirt)} over the three seeds)" in docs
        and read["t-shirt"]["Shirt"] == 58
    )
    coats = [r["per_folder"]["outwear"] for r in shipped]
    assert f"the three seeds alone span {span(coats)} on coats" in docs
    assert (
        f"Coats' wrong answers moved from T-shirt/top ({before['outwear']['T-shirt/top']} → {read['outwear']['T-shirt/top']}) "
        f"to Shirt ({before['outwear']['Shirt']} → {read['outwear']['Shirt']}), with Coat for {read['outwear']['Coat']} "
        f"of {sum(read['outwear'].values())} against {before['outwear']['Coat']}" in docs
    )
    sk = kinds["shoe_kinds"]
    counts = {k: v["photos"] for k, v in sk.items()}
    assert [counts[k] for k in ("sneaker", "sandal", "boot", "other")] == [60, 47, 29, 62]  # as the docs count them
    own = {"sneaker": "Sneaker", "sandal": "Sandal", "boot": "Ankle boot"}
    shipped_sneakers = {r["shoe_kinds"]["sneaker"]["read_as"].get("Sneaker", 0) for r in shipped}
    assert shipped_sneakers == {2}  # "2 on each of the shipped targets' three seeds"
    assert (
        f"The top class was Sneaker for {sk['sneaker']['read_as']['Sneaker']} of 60 sneakers (2 on each of the shipped "
        f"targets' three seeds), but also for {sk['other']['read_as']['Sneaker']} of the 62 other shoes and "
        f"{sk['sandal']['read_as']['Sneaker']} of the 47 sandals" in docs
    )
    as_sneaker = [sum(v["read_as"].get("Sneaker", 0) for v in r["shoe_kinds"].values()) for r in shipped]
    total = sum(v["read_as"].get("Sneaker", 0) for v in sk.values())
    assert (
        f"Sneaker became the top class for {total} of the 198 shoes ({min(as_sneaker)}–{max(as_sneaker)} with" in docs
    )
    sandals = {r["shoe_kinds"]["sandal"]["read_as"]["Sandal"] for r in shipped}
    assert sandals == {32} and (
        f"Sandals read as Sandal ({sk['sandal']['read_as']['Sandal']} of 47, against 32 on every seed)" in docs
    )
    boots = [r["shoe_kinds"]["boot"]["read_as"].get("Ankle boot", 0) for r in shipped]
    assert (
        f"boots as Ankle boot ({sk['boot']['read_as']['Ankle boot']} times in 29, against {min(boots)}–{max(boots)})"
        in docs
    )
    control = sleeves["shoe_kinds"]  # the sleeves run: the shipped shoe targets, another run
    assert (
        "moved about as far in the sleeves run, whose shoe targets are the shipped ones "
        f"({control['sandal']['read_as']['Sandal']}, {control['boot']['read_as']['Ankle boot']}, "
        f"{sleeves['per_folder']['shoes']:.1%})" in docs
    )
    in_control = sum(v["read_as"].get("Sneaker", 0) for v in control.values())
    assert f"(4–5 with the shipped targets, {in_control} in the sleeves run)" in docs

    def kind_right(r: dict) -> int:
        return sum(r["shoe_kinds"][k]["read_as"].get(c, 0) for k, c in own.items())

    right = [kind_right(r) for r in shipped]
    assert (
        f"the kind was right for {kind_right(kinds)} ({kind_right(kinds) / 136:.0%}), against {min(right)}–{max(right)} "
        f"with the shipped targets and {kind_right(sleeves)} in the sleeves run; answering Sneaker for every shoe would "
        f"give 60 (44%)" in docs
    )
    shoes = [r["per_folder"]["shoes"] for r in shipped]
    assert f"shoes right by the mapping ({kinds['per_folder']['shoes']:.1%}, against {span(shoes)})" in docs
    # the rule's best of the five runs (targets_tried.chosen) is the seed whose own thresholds are the app's
    best = min(tried["runs"], key=lambda r: (r["shortfall"], -r["right_and_sure"]["mean"]))
    assert best is shipped[2] and tried["chosen"]["targets"] == "committed"
    assert (best["chosen"]["unsure_below"], best["chosen"]["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE)
    assert all(
        r["at_chosen_thresholds"] == {k: r["at_app"][k] for k in r["at_chosen_thresholds"]} for r in tried["runs"]
    )
    seeds_at_app = [r["at_app"]["right_and_sure"]["mean"] for r in shipped]
    level = kinds["at_app"]["right_and_sure"]["mean"]
    assert min(seeds_at_app) - 0.001 <= level <= max(seeds_at_app) + 0.001  # "level with the three seeds'"
    kinds_garment = kinds["at_app"]["unsure_unseen_garment"]["mean"]
    assert kinds_garment < min(garments) and kinds_garment < 0.8  # "less of the unseen garment ... under the minimum"
    assert [g < 0.8 for g in garments] == [True, True, False]  # "as are the rerun and seed + 1000 there"
    assert (
        f"At the app's {UNSURE_BELOW:.0%} and {UNLIKE_ABOVE * 100:.4g}%, which are also the thresholds seed + 2000's "
        f"folds chose for themselves (the best of the five runs by the rule: {100 * best['right_and_sure']['mean']:.2f}% "
        f"right-and-sure at its own thresholds, `targets_tried.runs[2]`, against the rerun's "
        f"{100 * shipped[0]['right_and_sure']['mean']:.2f}%, `runs[0]`), its right-and-sure "
        f'({level:.1%}) is level with the three seeds\' {at_app}, but it says "Not sure" on less of the unseen garment '
        f"({kinds_garment:.1%} against {span(garments)}), under the minimum, as are the rerun and seed + 1000 there; "
        f"so its own folds chose {_line(kinds['chosen']['unlike_above'])}, where it answers "
        f"{kinds['right_and_sure']['mean']:.1%}, against {own_span} for the seeds at their own thresholds" in docs
    )
    assert kinds["chosen"]["unsure_below"] == UNSURE_BELOW and kinds["chosen"]["unlike_above"] < UNLIKE_ABOVE
    # review 139 L3, L4: targets_tried.chosen names only the recipe, which the three seeds share; "not by the rule"
    assert sorted(tried["runs"], key=lambda r: -r["right_and_sure"]["mean"])[:2] == [shipped[2], shipped[0]]
    assert kinds["right_and_sure"]["mean"] < min(own for own in (r["right_and_sure"]["mean"] for r in shipped))
    assert (
        "Not adopted: the rule counts any footwear as right, so it cannot credit the kind, and at its own thresholds "
        "kinds ranks below the seeds." in docs
    )
    assert (
        "Not adopted by the rule" not in docs
        and "(the best of the five runs by the rule, `targets_tried.chosen`)" not in docs
    )
    for v in (sleeves,):  # "where it keeps every minimum"
        assert v["at_app"]["unsure_outside"]["mean"] >= 0.88 and v["at_app"]["unsure_unseen_garment"]["mean"] >= 0.8
        assert v["at_app"]["unsure_unseen_family"]["mean"] >= 0.8
    assert total - sk["sneaker"]["read_as"]["Sneaker"] > total / 2  # "most of them not sneakers"
    assert f"by making Sneaker the top class for {total} of the 198 shoes, most of them not sneakers." in docs
    assert "by making Sneaker the top class for most shoes" not in docs  # 93 of 198 is not most


def test_the_readme_gives_the_target_variants_tried_as_measured():
    """The README's summary of the two target variants, from the JSON (README.md is edited apart from the docs)."""
    _, shipped, variants = _targets_tried()
    readme = " ".join(_readme_account().split())
    top1 = _span([r["top1"]["mean"] for r in shipped])
    at_app = _span([r["at_app"]["right_and_sure"]["mean"] for r in shipped])
    sleeves, kinds = variants["sleeves"], variants["kinds"]
    sk = kinds["shoe_kinds"]
    total = sum(v["read_as"].get("Sneaker", 0) for v in sk.values())
    assert f"against {top1} for the shipped" in readme
    garments = [r["at_app"]["unsure_unseen_garment"]["mean"] for r in shipped]
    under = [g for g in garments if g < MIN_UNSURE_UNSEEN_GARMENT]
    assert (
        f"right-and-sure at the app's thresholds {sleeves['at_app']['right_and_sure']['mean']:.1%} against {at_app})"
        in readme
    )
    assert (
        f"(the top class was Sneaker for {sk['sneaker']['read_as']['Sneaker']} of 60 sneakers, against 2, but also for "
        f"{total - sk['sneaker']['read_as']['Sneaker']} of the 138 shoes that are not sneakers; at its own thresholds, "
        f"{kinds['chosen']['unsure_below']:.0%} and {kinds['chosen']['unlike_above'] * 100:.4g}%, right-and-sure "
        f"{kinds['right_and_sure']['mean']:.1%} against {_span([r['right_and_sure']['mean'] for r in shipped])} for "
        "the shipped targets' seeds at theirs; at the app's thresholds "
        f"{kinds['at_app']['right_and_sure']['mean']:.1%}, level with the shipped targets' {at_app}, and "
        f'"Not sure" on {kinds["at_app"]["unsure_unseen_garment"]["mean"]:.1%} of the unseen garment there, under 80%, '
        f"as were two of the shipped targets' three runs, {under[0]:.2%} and {under[1]:.2%}, though the minimum, "
        f"applied to the three runs pooled, holds there ({_pooled_at_app()['unsure_unseen_garment']:.1%}); one seed"
        in readme
    )
    # review 139 M2, L6: judged at its own thresholds like every run, and under the minimum at the app's
    own = kinds["right_and_sure"]["mean"]
    assert own < min(r["right_and_sure"]["mean"] for r in shipped)
    assert kinds["at_app"]["unsure_unseen_garment"]["mean"] < MIN_UNSURE_UNSEEN_GARMENT
    assert "since the groups" not in readme
    # review 140 #1: two of the shipped targets' runs are under the minimum at the app's thresholds too, so that is
    # not a reason against kinds; its own-threshold figure is
    assert len(under) == 2 and garments[:2] == under
    pooled = _pooled_at_app()["unsure_unseen_garment"]
    assert pooled >= MIN_UNSURE_UNSEEN_GARMENT  # "the minimum is applied to the three runs pooled"
    assert (
        f"kinds: under the seeds at its own thresholds, {own:.1%} against "
        f"{_span([r['right_and_sure']['mean'] for r in shipped])}, on one seed; its gain" in readme
    )
    assert "at the app's level with them but under the unseen-garment minimum" not in readme
    assert "under its 80% minimum; one seed" not in readme


def test_the_readme_lists_the_numbers_that_chose_something():
    real = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    cv = real["cross_validation"]
    below, unlike = cv["chosen"]["unsure_below"], cv["chosen"]["unlike_above"]
    assert (below, unlike) == (UNSURE_BELOW, UNLIKE_ABOVE)  # the app's are the rule's choice
    pooled = next(g for g in cv["grid"] if (g["unsure_below"], g["unlike_above"]) == (below, unlike))
    assert (
        f'the "Not sure" thresholds, {below:.0%} and {unlike * 100:.4g}%: the rule (the most right-and-sure answers that '
        'keep the three "Not sure" minimums, with the "unlike" line on) on the three runs\' folds pooled, '
        f"{pooled['right_and_sure']:.1%} right-and-sure there" in readme
    )
    ways = real["test_time_flip"]  # ranked on the three runs pooled, as the thresholds were chosen
    assert (
        f"the 6 views: the same rule, each way at its own thresholds on the three runs pooled "
        f"({ways['6 views']['pooled']['right_and_sure']['mean']:.1%} against "
        f"{ways['one pass']['pooled']['right_and_sure']['mean']:.1%} one pass and "
        f"{ways['mirror averaged']['pooled']['right_and_sure']['mean']:.1%} mirror averaged)" in readme
    )
    first = next(r for r in CHOICE["runs"] if r["recipe"] == CHOICE["chosen"])
    below, unlike = first["chosen"]["unsure_below"], first["chosen"]["unlike_above"]
    assert (  # recipe_choice was not measured again under the group rule
        f"the same rule on a first run of the folds, under the rule before groups ({first['right_and_sure']['mean']:.1%}, "
        f"mirror averaged at that run's own {below:.0%} and {unlike:.0%}; later runs did not repeat it)" in readme
    )
    assert CHOICE["chosen"] == {"copies": 5, "epochs": 5, "variation": "pixels", "targets": "committed"}


def _real() -> dict:
    return json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))


def _readme_account() -> str:
    """The README's real-photo account: the README and the page it moved the rest of its headline to."""
    return " ".join((ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/real-photo-numbers.md"))


def _docs() -> str:
    return " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())


KEYS_OF_TABLE = ("top1", "right_and_sure", "unsure_outside", "unsure_unseen_garment", "unsure_unseen_family")


def test_the_docs_give_the_cv_table_at_the_apps_thresholds():
    """The table's three columns are the table's run at the app's thresholds, each way as the JSON records it."""
    real, docs = _real(), _docs()
    ways = real["test_time_flip"]
    assert ways["6 views"]["at_app_thresholds"] == {k: real["cross_validation"]["cv"][k] for k in KEYS_OF_TABLE}
    for label, key in (
        ("top class right (photos of the ten)", "top1"),
        ('right and not "Not sure"', "right_and_sure"),
        ('hats, shorts, skirts "Not sure" (kinds trained on, new photographers)', "unsure_outside"),
        (
            'the garment a fold never saw, "Not sure" (every photo of it, including those by people whose other '
            "photos the fold trained on)",
            "unsure_unseen_garment",
        ),
        ('the generated family a fold never saw, "Not sure"', "unsure_unseen_family"),
    ):
        cells = [_pm(ways[w]["at_app_thresholds"][key]) for w in ("6 views", "mirror averaged", "one pass")]
        if key in ("top1", "right_and_sure"):
            cells[0] = f"**{cells[0]}**"
        assert f"| {label} | {' | '.join(cells)} |" in docs, label
    assert f"All three columns at the app's {UNSURE_BELOW:.0%} and {UNLIKE_ABOVE * 100:.4g}%." in docs
    seen = real["cross_validation"]["cv"]["unsure_seen_families"]
    assert f'| the generated families it trained on, "Not sure" | {_pm(seen)} | | |' in docs
    nine = real["cross_validation"]["all_runs"]
    assert (
        f"at the app's thresholds: top class right {_pm(nine['top1'])}, right-and-sure {_pm(nine['right_and_sure'])} "
        "(`cross_validation.all_runs`)" in docs
    )


def test_the_docs_say_where_the_chosen_thresholds_sit_on_the_grid():
    """The app's thresholds against their neighbours on the pooled grid, and on each seed's folds alone."""
    real, docs = _real(), _docs()
    cv = real["cross_validation"]
    grid = {(g["unsure_below"], g["unlike_above"]): g for g in cv["grid"]}
    app = grid[UNSURE_BELOW, UNLIKE_ABOVE]
    assert (cv["chosen"]["unsure_below"], cv["chosen"]["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE)
    margin = 100 * (app["unsure_unseen_garment"] - MIN_UNSURE_UNSEEN_GARMENT)
    assert min(100 * (app[k] - m) for k, m in MINIMUMS.items()) == margin  # the unseen garment is the closest
    assert (
        f"{UNSURE_BELOW:.0%} and {UNLIKE_ABOVE * 100:.4g}%, where the pooled means keep the unseen garment's minimum by "
        f"{margin:.1f} points ({app['unsure_unseen_garment']:.1%}), hats etc. at {app['unsure_outside']:.1%} and the "
        f"unseen family at {app['unsure_unseen_family']:.1%}" in docs
    )
    step = round(UNSURE_BELOW - 0.05, 2)
    lower = [g for (b, _), g in grid.items() if b == step]
    assert all(g["unsure_unseen_garment"] < MIN_UNSURE_UNSEEN_GARMENT for g in lower)  # "at every cut"
    top = max(lower, key=lambda g: g["unsure_unseen_garment"])
    assert (
        f"One grid step down, {step:.0%} misses the unseen garment's minimum at every cut "
        f"({top['unsure_unseen_garment']:.1%} at most, with {_line(top['unlike_above'])})" in docs
    )
    off = grid[UNSURE_BELOW, 1.0]
    assert all(off[k] >= m for k, m in MINIMUMS.items()) and off["right_and_sure"] > app["right_and_sure"]
    assert (
        f"At {UNSURE_BELOW:.0%} the rule off would answer {off['right_and_sure']:.1%} right-and-sure, "
        f"{100 * (off['right_and_sure'] - app['right_and_sure']):.1f} points more than with the "
        f"{UNLIKE_ABOVE * 100:.4g}% line ({app['right_and_sure']:.1%}), and still keep every minimum" in docs
    )
    seeds = [r for r in real["targets_tried"]["runs"] if r["recipe"]["targets"] == "committed"]
    garments = [r["at_app"]["unsure_unseen_garment"]["mean"] for r in seeds]
    assert garments[0] < 0.8 and garments[1] < 0.8 <= garments[2]
    assert (
        f"The rerun's and seed + 1000's folds alone fall short of the unseen garment's minimum at the app's thresholds "
        f"({garments[0]:.2%} and {garments[1]:.2%}; seed + 2000's {garments[2]:.2%}: `targets_tried`)" in docs
    )
    # and so, each run alone, the views take a stricter line than the app's
    lines = [r["chosen"] for r in seeds]
    assert [(c["unsure_below"], c["unlike_above"] < UNLIKE_ABOVE) for c in lines] == [(UNSURE_BELOW, True)] * 2 + [
        (UNSURE_BELOW, False)
    ]
    assert (
        f"{_line(lines[0]['unlike_above'])} on the rerun and seed + 1000, where the app's {UNLIKE_ABOVE * 100:.4g}% "
        f"leaves the unseen garment at {garments[0]:.2%} and {garments[1]:.2%}, under its minimum" in docs
    )


def test_the_docs_give_the_turned_views_as_ranked():
    """The ways of answering are ranked on the three runs pooled (``pooled``), as the thresholds were chosen; the
    docs give the pooled figures first and the table's run beside them, with the lead computed here."""
    real, docs = _real(), _docs()
    ways = real["test_time_flip"]
    names = ("one pass", "mirror averaged", "6 views")
    pooled = {w: ways[w]["pooled"] for w in names}
    keeps = all(pooled[w][k]["mean"] >= m for w in names for k, m in MINIMUMS.items())
    assert keeps  # "each keeping all three minimums there"
    best = max(names, key=lambda w: pooled[w]["right_and_sure"]["mean"])
    assert best == "6 views"  # "By the rule the views win"
    lead = [100 * (pooled[best]["right_and_sure"]["mean"] - pooled[w]["right_and_sure"]["mean"]) for w in names[:2]]
    first = (
        f"one pass ({ways['one pass']['unsure_below']:.0%}, {ways['one pass']['unlike_above'] * 100:.4g}%) "
        f"{pooled['one pass']['right_and_sure']['mean']:.1%} right-and-sure, mirror averaged "
        f"({ways['mirror averaged']['unsure_below']:.0%}, {ways['mirror averaged']['unlike_above'] * 100:.4g}%) "
        f"{pooled['mirror averaged']['right_and_sure']['mean']:.1%}, 6 views ({ways['6 views']['unsure_below']:.0%}, "
        f"{ways['6 views']['unlike_above'] * 100:.4g}%) {pooled['6 views']['right_and_sure']['mean']:.1%}, each keeping "
        f"all three minimums there: a lead of {min(lead):.1f}–{max(lead):.1f} points."
    )
    assert first in docs
    table = {w: ways[w]["right_and_sure"] for w in names}
    run_lead = [100 * (table[best]["mean"] - table[w]["mean"]) for w in names[:2]]
    assert f"{run_lead[0]:.1f}" == f"{run_lead[1]:.1f}"  # "a lead of 4.6 points", one figure for both
    ahead = all(
        table[best]["folds"][k] > max(table[w]["folds"][k] for w in names[:2]) for k in range(len(table[best]["folds"]))
    )
    assert ahead  # "higher than both on each of its 3 folds"
    assert (
        f"Scored on the table's run alone: {table['one pass']['mean']:.1%}, {table['mirror averaged']['mean']:.1%} and "
        f"{table[best]['mean']:.1%}, a lead of {run_lead[0]:.1f} points, higher than both on each of its 3 folds"
        in docs
    )
    garment = ways[best]["unsure_unseen_garment"]["mean"]
    assert garment < MIN_UNSURE_UNSEEN_GARMENT
    assert f"there the 6 views leave the unseen garment at {garment:.2%}, just under its minimum" in docs


def test_the_docs_give_the_group_rule_as_measured():
    """What the group rule changed on the same 9 fold models, why (the shipped model's Fashion-MNIST confusions),
    the groupings tried and the rule's cost, each computed here from the JSON and metrics.json."""
    import numpy as np

    from model.data import CLASS_NAMES, GROUPS

    real, docs = _real(), _docs()
    metrics = json.loads((SHIPPED / "metrics.json").read_text(encoding="utf-8"))
    confusion = np.array(metrics["confusion_matrix"])
    errors = int(confusion.sum() - np.trace(confusion))
    inside = {}
    for name, members in GROUPS.items():
        ids = [CLASS_NAMES.index(c) for c in members]
        block = confusion[np.ix_(ids, ids)]
        inside[name] = int(block.sum() - np.trace(block))
    within = sum(inside.values())
    assert (
        f"{within / errors:.0%} of the shipped model's Fashion-MNIST test errors ({within} of {errors:,}, `metrics.json`, "
        f"`confusion_matrix`) are between two classes of one group ({inside['upper-body garment']} among the upper-body "
        f"garments, {inside['footwear']} among footwear)" in docs
    )
    assert set(GROUPS) == {"upper-body garment", "footwear"}
    assert (
        f"upper-body garments ({', '.join(GROUPS['upper-body garment'])}) and footwear ({', '.join(GROUPS['footwear'])})"
        in docs
    )
    cv = real["cross_validation"]
    before, tried = cv["top_class_rule"], cv["groupings"]
    ours = tried["upper-body garments; footwear (the app's)"]
    assert (ours["unsure_below"], ours["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE)
    old = before["chosen"]
    assert (
        f"the rule before groups takes {old['unsure_below']:.0%} and {old['unlike_above'] * 100:.4g}% and answers "
        f"{old['right_and_sure']:.1%} right-and-sure, the group rule takes {UNSURE_BELOW:.0%} and "
        f"{UNLIKE_ABOVE * 100:.4g}% and answers {ours['right_and_sure']:.1%}, "
        f'{100 * (ours["right_and_sure"] - old["right_and_sure"]):.1f} points more; "Not sure" on hats etc. '
        f"{old['unsure_outside']:.1%} → {ours['unsure_outside']:.1%}, on the unseen garment "
        f"{old['unsure_unseen_garment']:.1%} → {ours['unsure_unseen_garment']:.1%}, on the unseen generated family "
        f"{old['unsure_unseen_family']:.1%} → {ours['unsure_unseen_family']:.1%}" in docs
    )
    assert old["top1"] == ours["top1"] and f"The top class, and so top class right ({ours['top1']:.1%})" in docs
    nested_old, nested_new = before["nested"]["right_and_sure"], cv["held_out_choice"]["grid"]["right_and_sure"]
    by_fold = [100 * (a - b) for a, b in zip(nested_new["folds"], nested_old["folds"], strict=True)]
    assert min(by_fold) > 0  # "ahead on each held-out fold"
    assert (
        f"the rule before groups gives {_pm(nested_old)} right-and-sure and the group rule {_pm(nested_new)}, ahead on "
        f"each held-out fold (by {min(by_fold):.1f}–{max(by_fold):.1f} points)" in docs
    )
    # the cost: the share of wrong answers on the table's run at the app's threshold (risk_coverage)
    curve = cv["risk_coverage"]
    at = min(curve, key=lambda p: abs(p["threshold"] - UNSURE_BELOW))
    inside_ten = sum(
        v["photos"]
        for f, v in real["untrained"]["results"]["Fashion-MNIST-only model"]["per_folder"].items()
        if f not in ("hat", "shorts", "skirt")
    )
    answered = round(at["coverage"] * inside_ten)
    assert (
        f"at the app's {UNSURE_BELOW:.0%}, {at['risk']:.1%} of the answers to photos of the ten are wrong "
        f"({round(at['risk'] * answered):,} of {answered:,}, above)" in docs
    )
    # the groupings tried, best first, each at its own thresholds; the app's is second to bags with footwear
    order = sorted(tried, key=lambda n: (tried[n]["shortfall"], -tried[n]["right_and_sure"]))
    assert all(tried[n]["shortfall"] == 0 for n in tried)  # "each keeping every minimum"
    assert order[:2] == ["bags with footwear", "upper-body garments; footwear (the app's)"]
    gap = tried[order[0]]["right_and_sure"] - ours["right_and_sure"]
    assert gap * 895 < 1  # "less than one photo per fold model"
    words = {
        "bags with footwear": "bags with footwear",
        "upper-body garments; footwear (the app's)": "the app's upper-body garments and footwear",
        "dresses among the upper-body garments": "dresses among the upper-body garments",
        "T-shirts with shirts, pullovers with coats": "T-shirts with shirts and pullovers with coats",
        "coats apart": "coats apart",
        "footwear alone": "footwear alone",
        "the rule before groups (the top class alone)": "the top class alone",
    }
    assert set(words) == set(tried)
    listed = [
        f"{words[n]} {100 * tried[n]['right_and_sure']:.2f}% ({tried[n]['unsure_below']:.0%}, "
        f"{tried[n]['unlike_above'] * 100:.4g}%)"
        for n in order
    ]
    assert f"{', '.join(listed[:-1])}, and {listed[-1]}, each keeping every minimum" in docs
    assert f"Bags with footwear came out {100 * gap:.2f} points ahead, less than one photo per fold model" in docs
    alone = (
        tried["footwear alone"]["right_and_sure"]
        - tried["the rule before groups (the top class alone)"]["right_and_sure"]
    )
    assert alone < (ours["right_and_sure"] - old["right_and_sure"]) / 2  # "most of the gain is the upper-body group"
    assert f"footwear alone adds {100 * alone:.1f} points to the top class alone" in docs
    assert old == tried["the rule before groups (the top class alone)"]  # the same search, the same fold models


def test_the_docs_give_the_footwear_answers_as_counted():
    real, docs = _real(), _docs()
    answers = real["cross_validation"]["footwear_answers"]
    sandal, boot, sneaker = answers["Sandal"], answers["Ankle boot"], answers["Sneaker"]
    assert sneaker["answers"] == 0 and boot["shoes"] == boot["answers"] and "boot" not in boot["as"]
    assert (
        f"Sandal {sandal['answers']} times ({sandal['shoes']} of them shoes, {sandal['as'].get('sandal', 0)} sandals), "
        f"Ankle boot {boot['answers']} times (all shoes, none a boot), Sneaker never" in docs
    )
    assert f"Answers naming a footwear class at {UNSURE_BELOW:.0%} or more" in docs


def test_the_docs_give_the_footwear_group_answers_as_counted():
    """Review 135: the answers "Footwear, most likely <class>", by the class named, beside the class-level ones."""
    docs = _docs()
    answers = _real()["cross_validation"]["footwear_group_answers"]
    said = [
        f"most likely {name} {a['answers']} times ({a['shoes']} of them shoes, {a['as'].get(kind, 0)} {kind}"
        + ("s)" if a["as"].get(kind, 0) != 1 else ")")
        for name, kind in (("Sandal", "sandal"), ("Ankle boot", "boot"), ("Sneaker", "sneaker"))
        for a in [answers[name]]
    ]
    assert f"`cross_validation.footwear_group_answers`, by the class named): {', '.join(said)}." in docs
    assert "Every one of those shoes counts as right, whatever class the answer names" in docs


def test_the_docs_say_how_a_group_answer_is_scored_and_how_often_it_occurred():
    """Review 135 M6: a group answer is scored by the class it names, so the mapping's leniency (any footwear for
    shoes; nearly any upper-body class for shirts and long sleeves) counts it right; how often, from the JSON."""
    from model.data import CLASS_NAMES, GROUPS
    from model.real_photos import ACCEPTED

    docs, groups = _docs(), _real()["cross_validation"]["group_answers"]
    footwear = {CLASS_NAMES.index(c) for c in GROUPS["footwear"]}
    upper = {CLASS_NAMES.index(c) for c in GROUPS["upper-body garment"]}
    assert set(ACCEPTED["shoes"]) == footwear  # "whatever class it names"
    assert upper - set(ACCEPTED["longsleeve"]) == {CLASS_NAMES.index("Coat")}  # "unless it names Coat"
    assert upper - set(ACCEPTED["shirt"]) == {CLASS_NAMES.index(c) for c in ("Coat", "Pullover")}
    by = groups["by_folder"]
    assert sum(v["group_answers"] for v in by.values()) == groups["group_answers"]
    assert sum(v["right"] for v in by.values()) == groups["group_answers_right"]
    assert all(by[f]["right"] == 0 for f in ("hat", "shorts", "skirt"))  # "none right"
    assert (
        f"{groups['group_answers']} of the {groups['answers']:,} answers were group answers, and "
        f"{groups['group_answers_right']} of them named a class the mapping accepts." in docs
    )

    def of(folder: str) -> str:
        return f"{by[folder]['right']} of {by[folder]['group_answers']}"

    assert (
        f"By folder: shoes {of('shoes')}, shirts {of('shirt')}, long-sleeved tops {of('longsleeve')}, t-shirts "
        f"{of('t-shirt')}, coats {of('outwear')}, dresses {of('dress')}, pants {of('pants')}, and hats, shorts and "
        f"skirts {by['hat']['group_answers']}, {by['shorts']['group_answers']} and {by['skirt']['group_answers']} group "
        "answers, none right" in docs
    )
    assert (
        f"the mapping accepted for {of('shoes')} on shoes, {of('shirt')} on shirts and {of('longsleeve')} on "
        "long-sleeved tops" in docs
    )
    assert (
        f"On the table's run {by['outwear']['group_answers']} coat photos got a group answer, {by['outwear']['right']} "
        "of them naming Coat" in docs
    )
    assert "for a shoe a footwear group answer counts as right whatever class it names" in docs
    assert "not recorded" not in docs.split("## Not done, and known weak spots")[1].split("group rule answers more")[1]


def test_the_docs_give_the_named_class_of_group_answers_on_fashion_mnist():
    """Review 135 H2: on Fashion-MNIST's test set (one pass, calibration.npz), how often a group answer's likeliest
    class is right, counted as tabs.classify._count_group_answers counts it."""
    import numpy as np

    from model.data import group_probability

    stored = np.load(SHIPPED / "calibration.npz")
    logits, labels = stored["test_logits"].astype(np.float64), stored["test_labels"]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    right = probs.argmax(axis=1) == labels
    group = (group_probability(probs) >= UNSURE_BELOW) & (probs.max(axis=1) < UNSURE_BELOW)
    n, k = int(group.sum()), int((group & right).sum())
    docs = _docs()
    assert (
        f"On Fashion-MNIST's {len(labels):,} test images (one pass, the probability rule at {UNSURE_BELOW:.0%}), the "
        f"app's rule answers with a group {n} times, and the likeliest class is the image's label for {k} of them "
        f"({k / n:.0%})." in docs
    )
    assert "by no committed command" not in docs  # review 137 N10: a figure nothing in the repo prints
    # review 140 #15: Classify counts by the class named; the group totals are sums of those counts
    from model.data import CLASS_NAMES, GROUPS

    best = probs.argmax(axis=1)
    sums = {}
    for name, members in GROUPS.items():
        mine = group & np.isin(best, [CLASS_NAMES.index(c) for c in members])
        sums[name] = (int(mine.sum()), int((mine & right).sum()))
    assert sum(a for a, _ in sums.values()) == n and sum(r for _, r in sums.values()) == k
    (up_n, up_k), (foot_n, foot_k) = sums["upper-body garment"], sums["footwear"]
    assert (
        "Classify counts them by the class a group answer names (summed by group: upper-body garments "
        f"{up_k} of {up_n}, footwear {foot_k} of {foot_n}), from the model folder's test logits" in docs
    )
    assert "Classify counts these by group" not in docs
    assert "`calibration.npz` (written by `python -m model.calibration model/weights`)" in docs
    assert "`tabs/classify.py`, `_group_record`" in docs


def test_the_docs_give_the_unseen_garment_unrounded_against_its_minimum():
    """Review 135 M5: 79.97% is under the 80% minimum; the table's 80.0% is said to be a rounded mean, and the
    unrounded figure is given where it is set against the minimum. L1: the verdict's words."""
    real, docs = _real(), _docs()
    six = real["test_time_flip"]["6 views"]["at_app_thresholds"]["unsure_unseen_garment"]
    assert six["mean"] < MIN_UNSURE_UNSEEN_GARMENT <= round(six["mean"], 3)  # rounded, it reads as the minimum
    assert (
        f"The unseen garment's {_pm(six)} in the 6-views column is the mean ± sd rounded to one decimal: unrounded the "
        f"mean is {six['mean']:.2%}, under the 80% minimum on this run" in docs
    )
    pooled = next(
        g
        for g in real["cross_validation"]["grid"]
        if (g["unsure_below"], g["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE)
    )
    assert (
        f"on the mean of the three folds the unseen garment, at {six['mean']:.2%}, is under its minimum too (the pooled "
        f"means the rule chose on keep it: {pooled['unsure_unseen_garment']:.1%}, above)" in docs
    )
    assert "neither the top class nor its group is likely enough" in docs
    assert "no class or group of classes is likely enough" not in docs
    assert "not recorded in the JSON" not in docs
