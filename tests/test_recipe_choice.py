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
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shipped = CHOICE["shipped"]
    assert (
        f"fine-tune recipe ({shipped['epochs']} epochs, {shipped['copies']} copies per photo: as converted + "
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
    for doc in (ROOT / "README.md", ROOT / "docs" / "real-photos.md"):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        assert said in text, doc
        assert ("on all 3 folds" in text) == ahead_everywhere
        assert "within the folds' sd" not in text


def test_the_docs_second_rule_follows_the_json():
    """Energy and the relative Mahalanobis score tie on the pooled means (less than one photo apart); the app keeps
    the score it had, and the docs say so, with the gap the JSON gives."""
    scores = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["unlike_rule"]["second_rule_scores"]
    energy, ours = (
        scores[n]["pooled"]["right_and_sure"] for n in ("energy (Liu et al. 2020)", "relative Mahalanobis (the app's)")
    )
    photo = 1 / 895 / 9  # one photo of one fold's largest held-out set, on the mean of 9 fold models
    assert abs(energy - ours) < photo
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    assert (
        f"Energy and the relative Mahalanobis score tie: they differ by {100 * abs(energy - ours):.3f} points, far less "
        "than one photo in one fold" in docs
    )
    assert "The app keeps the relative Mahalanobis score it already had." in docs


def test_the_docs_weigh_the_unlike_rule_at_equal_cost_as_measured():
    results = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))
    rule, grid = results["unlike_rule"], results["cross_validation"]["grid"]
    alone, both, matched = rule["without"], rule["with"], rule["matched"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    cost = 100 * (alone["right_and_sure"]["mean"] - both["right_and_sure"]["mean"])
    assert (
        f"garment {alone['unsure_unseen_garment']['mean']:.1%} → {both['unsure_unseen_garment']['mean']:.1%}, on the "
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
    # reviews 124 #4, 125 #1: in 0.1-point steps a threshold alone costs about what the rule costs
    assert round(matched["unsure_below"], 3) == 0.552
    assert (
        f"At equal cost, a probability threshold alone raised to {100 * matched['unsure_below']:.1f}% (in 0.1-point "
        f"steps, `unlike_rule.matched`) answers {matched['right_and_sure']['mean']:.1%} right-and-sure and says "
        f'"Not sure" on {matched["unsure_unseen_garment"]["mean"]:.1%} of the unseen garment, '
        f"{matched['unsure_unseen_family']['mean']:.1%} of the unseen family and "
        f"{matched['unsure_outside']['mean']:.1%} of hats etc.: within 0.3 points of the rule on each." in docs
    )
    assert all(abs(both[k]["mean"] - matched[k]["mean"]) < 0.003 for k in MINIMUMS)  # "within 0.3 points"
    # review 125 #3: the grid's 5-point steps hid a probability threshold alone that keeps the minimums
    alone = results["cross_validation"]["probability_alone"]
    assert (
        alone["unsure_below"] < lowest["unsure_below"] and abs(alone["right_and_sure"] - app["right_and_sure"]) < 0.001
    )
    assert (
        f"but in 0.1-point steps it keeps them from {100 * alone['unsure_below']:.1f}%, with "
        f"{alone['right_and_sure']:.1%} right-and-sure, as the rule does (`cross_validation.probability_alone`)" in docs
    )
    fine = results["cross_validation"]["fine_choice"]  # review 126 #1: the rule searched as finely
    assert fine["unsure_outside"] >= 0.88 and fine["unsure_unseen_garment"] >= 0.80 <= fine["unsure_unseen_family"]
    assert (
        f"a {fine['unlike_above']:.0%} line with a {100 * fine['unsure_below']:.1f}% threshold keeps every minimum with "
        f"{fine['right_and_sure']:.1%} right-and-sure on the pooled means (`cross_validation.fine_choice`; the unseen "
        f"garment at {fine['unsure_unseen_garment']:.1%}" in docs
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
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    names = ", ".join(f"{r['recipe']['epochs']}/{r['recipe']['copies']}" for r in pixels[:-1])
    last = pixels[-1]["recipe"]
    assert (  # review 84a #1: means, said as means
        f"at the same {at['unsure_below']:.0%} and {at['unlike_above']:.0%} its mean is {min(gaps):.1f}–"
        f"{max(gaps):.1f} points above those of {names} and {last['epochs']}/{last['copies']} ("
    ) in readme
    assert (
        f"and {behind:.1f} points below varied photos' "
        f"({photos['at_chosen_thresholds']['right_and_sure']['mean']:.1%} against {ours:.1%}), but each of those "
        f"{words[len(pixels) + 1]} misses {' or '.join(words[n] for n in sorted(misses))} of the minimums there"
    ) in readme
    assert "most of that lead is the lower threshold" in readme and "mostly through the lower threshold" not in readme


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
    the skirt being each fold's unseen garment; 20 generated pictures per fold at 30%; nothing unusual."""
    import numpy as np

    def rows(top: float, n: int, cls: int = 0) -> np.ndarray:
        p = np.full((n, 10), (1 - top) / 9)
        p[:, cls] = top
        return p

    folder, row_probs, row_fold = [], [], []
    for k, hat in enumerate(hat_top):
        for name, top in (("t-shirt", 0.9), ("hat", hat), ("skirt", 0.3)):
            folder += [name] * 10
            row_probs.append(rows(top, 10))
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
        "generated_probs": rows(0.3, 60),
        "generated_percentile": np.full(60, 0.5),
        "generated_held_out": np.tile(np.repeat([True, False], 10), 3),
    }


def test_the_held_out_choice_scores_each_fold_at_thresholds_chosen_without_it():
    from benchmarks.real_photos import held_out_choice

    # hats reach 40% on folds 0 and 1 but 62% on fold 2: a choice that never saw fold 2 takes 45% (the lowest
    # 5-point step above 40%) and answers fold 2's hats; a choice that saw fold 2 needs 65%
    result = held_out_choice([_synthetic_run([0.40, 0.40, 0.62])])
    assert [f["unsure_below"] for f in result["folds"]] == [0.65, 0.65, 0.45]
    assert [f["unsure_outside"] for f in result["folds"]] == [1.0, 1.0, 0.0]
    assert result["unsure_outside"]["mean"] == pytest.approx(2 / 3)
    assert result["right_and_sure"]["mean"] == 1.0  # every T-shirt at 90% is answered at either threshold
    # beside it, each fold at the app's thresholds, which answer hats at 62% but not at 40%
    assert 0.40 < UNSURE_BELOW <= 0.62 and UNLIKE_ABOVE >= 0.5
    assert [f["at_app"]["unsure_outside"] for f in result["folds"]] == [1.0, 1.0, 0.0]
    assert [f["at_app_on_the_others"]["unsure_outside"] for f in result["folds"]] == [0.5, 0.5, 1.0]


def test_the_docs_give_the_threshold_search_cross_validated():
    cv = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["cross_validation"]
    grid, fine = cv["held_out_choice"]["grid"], cv["held_out_choice"]["fine"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())

    def pm(stat: dict) -> str:
        return f"{stat['mean']:.1%} ± {stat['sd']:.1%}"

    assert [len(n["folds"]) for n in (grid, fine)] == [3, 3]
    assert [f["left_out_garment"] for f in cv["fold_details"]] == ["hat", "shorts", "skirt"]  # as the docs name them
    chosen = [(f["unsure_below"], f["unlike_above"]) for f in grid["folds"]]
    assert chosen == [(0.45, 0.9), (0.55, 1.0), (0.55, 0.9)]  # "45% with a 90% line ... 55% with no line ..."
    assert (cv["app"]["unsure_below"], cv["app"]["unlike_above"]) not in chosen  # "never the app's"
    held_back = [f"{f['unlike_known']:.1%}" for f in grid["folds"] if f["unlike_above"] == 0.9]
    assert f"Their 90% lines hold back {held_back[0]} and {held_back[1]} of those folds' photos" in docs
    assert f"(the app's 99.5%: {grid['at_app']['unlike_known']['mean']:.1%})" in docs
    garment = [f["unsure_unseen_garment"] for f in grid["folds"]]
    assert (
        f"right-and-sure is {pm(grid['right_and_sure'])} (± here: the sd of the 3 held-out folds, each the mean of its "
        f"3 models), against {pm(grid['at_app']['right_and_sure'])} for the same folds at the app's thresholds; "
        f'"Not sure" on {pm(grid["unsure_outside"])} of hats etc., on {pm(grid["unsure_unseen_garment"])} of the '
        f"unseen garment ({garment[0]:.1%} and {garment[1]:.1%} on folds 0 and 1, under the 80% minimum as at the "
        f"app's thresholds; {garment[2]:.1%} on fold 2) and on {pm(grid['unsure_unseen_family'])} of the unseen family"
        in docs
    )
    at_app_garment = [f["at_app"]["unsure_unseen_garment"] for f in grid["folds"]]
    assert garment[0] < 0.8 and garment[1] < 0.8 <= garment[2] and at_app_garment[0] < 0.8 and at_app_garment[1] < 0.8
    gap = [100 * (f["right_and_sure"] - f["at_app"]["right_and_sure"]) for f in grid["folds"]]
    mean_gap = 100 * (grid["at_app"]["right_and_sure"]["mean"] - grid["right_and_sure"]["mean"])
    assert (
        "Fold by fold, nested minus the app's thresholds, the gap is {:+.1f}, {:+.1f} and {:+.1f} points (mean {:+.1f}): "
        "almost all of it fold 2".format(*gap, -mean_gap).replace("-", "−")
        in docs
    )
    assert abs(gap[0]) < 0.5 and abs(gap[1]) < 0.5 and gap[2] < -2  # "all of it fold 2"
    others = grid["folds"][2]["at_app_on_the_others"]["unsure_unseen_garment"]
    assert f"where the app's thresholds leave their unseen garments (hats, shorts) at {others:.1%}" in docs
    assert (
        f'The 0.1-point steps, nested, answer {pm(fine["right_and_sure"])} right-and-sure, and say "Not sure" on '
        f"{pm(fine['unsure_unseen_garment'])} of the unseen garment, {pm(fine['unsure_unseen_family'])} of the unseen "
        f"family and {pm(fine['unsure_outside'])} of hats etc." in docs
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
    assert (
        f"it trades +{min(more):.1f} to +{max(more):.1f} points of right-and-sure for {-max(less):.1f}–{-min(less):.1f} "
        'points less "Not sure" on the unseen garment, fold by fold' in readme
    )
    sds = sorted(round(100 * n["unsure_unseen_garment"]["sd"]) for n in (grid, fine))
    assert f"(sd {sds[0]}–{sds[1]} points, mostly which garment it is)" in docs
    nine = cv["all_runs"]["right_and_sure"]["mean"]
    assert abs(nine - grid["at_app"]["right_and_sure"]["mean"]) < 1e-9  # the same 9 models, weighted alike
    assert (
        f"the app's rule gives {grid['right_and_sure']['mean']:.1%} right-and-sure against {nine:.1%} for the same 9 "
        f"fold models at its thresholds, almost all of the gap on one fold" in readme
    )
    assert (
        f"the 0.1-point search, nested, gives {fine['right_and_sure']['mean']:.1%}, more than the nested 5-point search on "
        f'every fold, and says "Not sure" '
        f"on {fine['unsure_unseen_garment']['mean']:.1%} of the unseen garment against "
        f"{grid['unsure_unseen_garment']['mean']:.1%}, less on every fold" in readme
    )


def test_the_docs_give_the_target_variants_tried_as_measured():
    tried = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))["targets_tried"]
    docs = " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    runs = tried["runs"]
    shipped = [r for r in runs if r["recipe"]["targets"] == "committed"]
    variants = {r["recipe"]["targets"]: r for r in runs if r["recipe"]["targets"] != "committed"}
    assert len(shipped) == 3 and set(variants) == {"sleeves", "kinds"}
    labels = ["the rerun (seed + 0)", "seed + 1000", "seed + 2000"]
    for label, r in [*zip(labels, shipped, strict=True), *(("the rerun's seeds", v) for v in variants.values())]:
        targets = "committed (shipped)" if r in shipped else r["recipe"]["targets"]
        garment = r["at_app"]["unsure_unseen_garment"]["mean"]
        row = (
            f"| {label} | {targets} | {r['chosen']['unsure_below']:.0%}, {r['chosen']['unlike_above'] * 100:.4g}% | "
            f"{r['right_and_sure']['mean']:.1%} | {r['at_app']['right_and_sure']['mean']:.1%} | "
            f"{garment:.1%}{' (under 80%)' if garment < 0.8 else ''} | {r['top1']['mean']:.1%} | "
            + " | ".join(f"{r['per_folder'][f]:.1%}" for f in ("t-shirt", "outwear", "shoes"))
            + " |"
        )
        assert row in docs, row

    def span(values, fmt=".1%") -> str:
        return f"{min(values):{fmt}}–{max(values):{fmt}}".replace("%–", "–")

    top1 = span([r["top1"]["mean"] for r in shipped])
    at_app = span([r["at_app"]["right_and_sure"]["mean"] for r in shipped])
    sleeves, kinds = variants["sleeves"], variants["kinds"]
    assert (
        f"against {top1} for the shipped targets' three seeds" in docs and f"against {top1} for the shipped" in readme
    )
    assert f"right-and-sure is {sleeves['at_app']['right_and_sure']['mean']:.1%} against {at_app}, lower than" in docs
    for k in range(3):  # "lower than each seed on every fold"
        assert all(
            sleeves["at_app"]["right_and_sure"]["folds"][k] < r["at_app"]["right_and_sure"]["folds"][k] for r in shipped
        )
    garments = [r["at_app"]["unsure_unseen_garment"]["mean"] for r in shipped]
    assert (
        f"(the unseen garment {sleeves['at_app']['unsure_unseen_garment']['mean']:.1%} against {span(garments)})"
        in docs
    )
    assert sleeves["at_app"]["unsure_unseen_garment"]["mean"] > max(garments)  # "more often"
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
    at45 = [r["at_chosen_thresholds"] for r in shipped]
    assert tried["chosen"]["targets"] == "committed" and shipped[0]["chosen"] == {
        "unsure_below": 0.45,
        "unlike_above": 0.9,
    }
    assert (
        f"its right-and-sure ({kinds['at_chosen_thresholds']['right_and_sure']['mean']:.1%}) is within the three seeds' "
        f'{span([a["right_and_sure"]["mean"] for a in at45])}, but it says "Not sure" on less of the unseen garment '
        f"({kinds['at_chosen_thresholds']['unsure_unseen_garment']['mean']:.1%} against "
        f"{span([a['unsure_unseen_garment']['mean'] for a in at45])})" in docs
    )
    assert (
        f"it keeps every minimum and answers {kinds['at_app']['right_and_sure']['mean']:.1%} against {at_app}" in docs
    )
    assert (
        f"(the top class was Sneaker for {sk['sneaker']['read_as']['Sneaker']} of 60 sneakers, against 2, but also for "
        f"{total - sk['sneaker']['read_as']['Sneaker']} of the 138 shoes that are not sneakers; right-and-sure at the "
        f"app's thresholds {kinds['at_app']['right_and_sure']['mean']:.1%} against {at_app})" in readme
    )
    assert (
        f"at the app's thresholds, chosen on the shipped targets' runs, {sleeves['at_app']['right_and_sure']['mean']:.1%} "
        f"against {at_app})" in readme
    )
    for v in (sleeves, kinds):  # "where it keeps every minimum"
        assert v["at_app"]["unsure_outside"]["mean"] >= 0.88 and v["at_app"]["unsure_unseen_garment"]["mean"] >= 0.8
        assert v["at_app"]["unsure_unseen_family"]["mean"] >= 0.8


def test_the_readme_lists_the_numbers_that_chose_something():
    real = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    cv = real["cross_validation"]
    pooled = next(g for g in cv["grid"] if (g["unsure_below"], g["unlike_above"]) == (0.55, 0.995))
    assert (cv["chosen"]["unsure_below"], cv["chosen"]["unlike_above"]) == (0.55, 0.995)  # "55% and 99.5%"
    assert (
        'the "Not sure" thresholds, 55% and 99.5%: the rule (the most right-and-sure answers that keep the three '
        f'"Not sure" minimums) on the three runs\' folds pooled, {pooled["right_and_sure"]:.1%} right-and-sure there'
        in readme
    )
    ways = real["test_time_flip"]
    assert (
        f"the 6 views: the same rule, each way at its own thresholds ({ways['6 views']['right_and_sure']['mean']:.1%} "
        f"against {ways['one pass']['right_and_sure']['mean']:.1%} one pass and "
        f"{ways['mirror averaged']['right_and_sure']['mean']:.1%} mirror averaged, on the table's run)" in readme
    )
    first = next(r for r in CHOICE["runs"] if r["recipe"] == CHOICE["chosen"])
    below, unlike = first["chosen"]["unsure_below"], first["chosen"]["unlike_above"]
    assert (
        f"the same rule on a first run of the folds ({first['right_and_sure']['mean']:.1%}, mirror averaged at that run's "
        f"own {below:.0%} and {unlike:.0%}; later runs did not repeat it)" in readme
    )
    assert CHOICE["chosen"] == {"copies": 5, "epochs": 5, "variation": "pixels", "targets": "committed"}
