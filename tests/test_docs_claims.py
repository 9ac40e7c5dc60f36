"""README and docs/real-photos.md claims on what chose what, the group rule's gain and the known weak spots, each
figure computed here from the stored records (real_photos.json at HEAD and at commit 387dada, metrics.json,
calibration.npz, test_time_flip.json), never copied from the docs."""

from __future__ import annotations

import json
import subprocess

import numpy as np

from benchmarks.real_photos import MIN_UNSURE_OUTSIDE, MIN_UNSURE_UNSEEN_FAMILY, MIN_UNSURE_UNSEEN_GARMENT
from model.data import CLASS_NAMES, GROUPS
from model.inference import UNLIKE_ABOVE, UNSURE_BELOW
from model.real_photos import ACCEPTED
from tests.helpers import ROOT, SHIPPED

REAL = json.loads((SHIPPED / "real_photos.json").read_text(encoding="utf-8"))
METRICS = json.loads((SHIPPED / "metrics.json").read_text(encoding="utf-8"))
BEFORE_GROUPS = "387dada"  # the last commit whose real_photos.json holds the rule before groups


def _before_groups() -> dict:
    out = subprocess.run(
        ["git", "show", f"{BEFORE_GROUPS}:model/weights/real_photos.json"], cwd=ROOT, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def _readme() -> str:
    """The README's real-photo account: the README and the page it moved the rest of its headline to."""
    return " ".join(
        " ".join(
            (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/real-photo-numbers.md")
        ).split()
    )


def _docs() -> str:
    return " ".join((ROOT / "docs" / "real-photos.md").read_text(encoding="utf-8").split())


def _photos_of_the_ten() -> tuple[int, int]:
    """Photos of the ten classes and of hats, shorts and skirts (every photo is held out once)."""
    per_folder = REAL["untrained"]["results"]["Fashion-MNIST-only model"]["per_folder"]
    inside = sum(v["photos"] for f, v in per_folder.items() if ACCEPTED[f])
    return inside, sum(v["photos"] for f, v in per_folder.items() if not ACCEPTED[f])


def _point(curve: list[dict], threshold: float) -> dict:
    return next(p for p in curve if abs(p["threshold"] - threshold) < 1e-9)


def _counts(point: dict) -> tuple[int, int, int]:
    """Answered and wrong among the photos of the ten, and hats/shorts/skirts answered, as counts."""
    inside, outside = _photos_of_the_ten()
    answered = round(point["coverage"] * inside)
    return answered, round(point["risk"] * answered), round(point["outside_answered"] * outside)


# -- H1: the choices made on Fashion-MNIST's test set -------------------------------------------------------------------
def test_the_choice_lists_name_the_choices_made_on_the_test_set():
    flip = json.loads((SHIPPED / "test_time_flip.json").read_text(encoding="utf-8"))["shipped model"]
    gain = 100 * (flip["flip_test_accuracy"] - flip["test_accuracy"])
    ways = REAL["test_time_flip"]
    one, mirror = (ways[w]["pooled"]["right_and_sure"]["mean"] for w in ("one pass", "mirror averaged"))
    assert one > mirror  # the rule ranks the mirror average below one pass
    grid = {(g["unsure_below"], g["unlike_above"]): g for g in REAL["cross_validation"]["grid"]}
    off, on = grid[UNSURE_BELOW, 1.0], grid[UNSURE_BELOW, UNLIKE_ABOVE]
    assert off["right_and_sure"] > on["right_and_sure"]  # the line costs right-and-sure, kept on all the same
    readme = _readme()
    assert (
        "Three of these choices used Fashion-MNIST's **test** set, which `model/data.py` keeps for the final" in readme
    )
    assert "- the groups: proposed from the shipped model's **test**-set confusion matrix" in readme
    assert "- the 6 views for cut-out photos only: the fold models' Fashion-MNIST **test** accuracy" in readme
    assert (
        f"- the mirror average for every other input: +{gain:.2f} points of Fashion-MNIST **test** accuracy "
        f"(`test_time_flip.json`), against the rule, which ranks it below one pass on these folds ({mirror:.1%} against "
        f"{one:.1%}, pooled); so Classify's {flip['flip_test_accuracy']:.2%} was chosen on the set it is measured on"
        in readme
    )
    # review 140 #16: the bold headline is the one-pass figure, not this one
    assert f"{METRICS['test_accuracy']:.2%}" != f"{flip['flip_test_accuracy']:.2%}"
    assert f"so the headline {flip['flip_test_accuracy']:.2%}" not in readme
    # review 140 #9: the views' Fashion-MNIST test figures were printed by a run whose output no file keeps
    assert (
        "92.2–92.7% over the 6 views (printed by `python -m benchmarks.test_time_views` in a run whose output was not "
        "kept);" in readme
    )
    assert "92.2–92.7% (from the same unkept run)" in readme
    assert "over the 6 views (`python -m benchmarks.test_time_views`);" not in readme
    assert (
        f'- the "unlike" line kept on: by design (`_best`), after these folds showed it costs '
        f"{100 * (off['right_and_sure'] - on['right_and_sure']):.2f} points of right-and-sure (at {UNSURE_BELOW:.0%}, "
        f"{off['right_and_sure']:.2%} with the line off against {on['right_and_sure']:.2%} at "
        f"{UNLIKE_ABOVE * 100:.4g}%, `cross_validation.grid`)" in readme
    )
    assert (
        f"{flip['flip_test_accuracy']:.2%} for Classify's top class" in readme
        and f"so {flip['flip_test_accuracy']:.2%} is measured on the test set that chose it" in readme
    )
    assert "so only a photo cut out of its background gets them: a choice made on the test set." in readme
    docs = _docs()
    assert "**Three choices used Fashion-MNIST's test set**" in docs
    assert f"kept for its +{gain:.2f} points on Fashion-MNIST's test set" in docs
    assert f"so the {flip['flip_test_accuracy']:.2%} it reports there is measured on the set that chose it" in docs


# -- M4: the groups' reason on the validation split ---------------------------------------------------------------------
def _errors_within_groups(logits: np.ndarray, labels: np.ndarray) -> tuple[int, dict[str, int]]:
    top = logits.argmax(axis=1)
    wrong = top != labels
    within = {
        name: int((wrong & np.isin(top, ids) & np.isin(labels, ids)).sum())
        for name, members in GROUPS.items()
        for ids in [[CLASS_NAMES.index(c) for c in members]]
    }
    return int(wrong.sum()), within


def test_the_groups_reason_is_given_on_the_validation_split():
    with np.load(SHIPPED / "calibration.npz") as stored:
        errors, within = _errors_within_groups(stored["val_logits"], stored["val_labels"])
        images = len(stored["val_labels"])
        test_errors, test_within = _errors_within_groups(stored["test_logits"], stored["test_labels"])
    confusion = np.array(METRICS["confusion_matrix"])  # the test counts, read off the stored matrix as well
    assert test_errors == int(confusion.sum() - np.trace(confusion))
    n, k = sum(within.values()), sum(test_within.values())
    assert n / errors > 0.5  # "most of the network's errors fall inside a group"
    readme, docs = _readme(), _docs()
    assert (
        f"The validation split shows the same: {n} of the {errors} errors there ({n / errors:.0%}) are between classes "
        f"of one group (one pass, `calibration.npz`, `val_logits`; on the test set {k} of {test_errors}, `metrics.json`)"
        in readme
    )
    assert (
        f"gives the same reason: {n} of the shipped model's {errors} errors on its {images:,} images ({n / errors:.0%}) "
        f"are between two classes of one group ({within['upper-body garment']} among the upper-body garments, "
        f"{within['footwear']} among footwear)" in docs
    )
    assert "`calibration.npz`'s `val_logits` and `val_labels`, one pass" in docs
    # review 140 #8: the choice list no longer says the validation split was not looked at
    assert (
        "None was re-chosen on the validation split. For the groups only, the validation split shows the same pattern "
        f"({n} of its {errors} errors within a group)." in docs
    )
    assert "None was measured again on the validation split." not in docs
    assert "The groups were proposed from the test set" in docs
    assert "Fashion-MNIST test errors are between classes of one group, `metrics.json`'s confusion matrix" not in readme


# -- H2: the group rule's gain at equal coverage -------------------------------------------------------------------------
def test_the_group_rules_gain_is_set_at_equal_coverage():
    new_curve = REAL["cross_validation"]["risk_coverage"]
    old_curve = _before_groups()["cross_validation"]["risk_coverage"]
    inside, outside = _photos_of_the_ten()
    new = _point(new_curve, UNSURE_BELOW)
    # the rule before groups' two thresholds whose coverage brackets the group rule's at the app's threshold
    above = max((p for p in old_curve if p["coverage"] >= new["coverage"]), key=lambda p: p["threshold"])
    below = min((p for p in old_curve if p["coverage"] < new["coverage"]), key=lambda p: p["threshold"])
    assert (above["threshold"], below["threshold"]) == (0.46, 0.47)
    n_new, w_new, h_new = _counts(new)
    (n_a, w_a, h_a), (n_b, w_b, _) = _counts(above), _counts(below)
    assert max(above["risk"], below["risk"]) < new["risk"]  # "wrong more often"
    assert n_a - w_a > n_new - w_new  # at more coverage still, more right answers
    assert h_new < h_a  # fewer hats, shorts and skirts answered
    readme, docs = _readme(), _docs()
    # review 140 #3: at equal coverage the group rule is right and sure for fewer photos of the ten
    r_new, r_a = n_new - w_new, n_a - w_a
    assert r_new < r_a
    assert (
        f"At {UNSURE_BELOW:.0%} it answers {n_new:,} of the {inside:,} photos of the ten, {w_new} of them wrong "
        f"({new['risk']:.1%}); the rule before groups at {above['threshold']:.0%} answers {n_a:,}, {w_a} of them wrong "
        f"({above['risk']:.1%}). So on photos of the ten the group rule does worse: at equal coverage it is right and "
        f"sure for {r_new:,} of them ({r_new / inside:.1%}), against {r_a:,} ({r_a / inside:.1%})." in readme
    )
    assert "So the gain is all in which photos are held back" not in readme
    cv = REAL["cross_validation"]
    top = cv["groupings"]["upper-body garments; footwear (the app's)"]["top1"]
    assert cv["top_class_rule"]["chosen"]["top1"] == top
    assert f"The top class does not change ({top:.1%} right)." in readme
    assert (
        "Its gain is in what it holds back: it answers fewer hats, shorts and skirts (at those two points "
        f"{h_new} of the {outside}, against {h_a} for the rule before groups)" in readme
    )
    old_grid = {(g["unsure_below"], g["unlike_above"]): g for g in _before_groups()["cross_validation"]["grid"]}
    assert 0.45 in {g for g, _ in old_grid} and 0.46 not in {g for g, _ in old_grid}  # "5-point steps"
    lower = old_grid[0.45, UNLIKE_ABOVE]
    old_chosen = cv["top_class_rule"]["chosen"]
    assert lower["right_and_sure"] > old_chosen["right_and_sure"]
    # review 140 #14: all three minimums are missed there, hats etc. by less than the one decimal shows
    assert lower["unsure_outside"] < MIN_UNSURE_OUTSIDE <= round(lower["unsure_outside"], 3)
    assert lower["unsure_unseen_garment"] < MIN_UNSURE_UNSEEN_GARMENT
    assert lower["unsure_unseen_family"] < MIN_UNSURE_UNSEEN_FAMILY
    misses = (
        f'misses all three minimums ("Not sure" on hats etc. {lower["unsure_outside"]:.2%}, the unseen garment '
        f"{lower['unsure_unseen_garment']:.1%}, the unseen family {lower['unsure_unseen_family']:.1%}; 387dada's "
        "`cross_validation.grid`, whose 5-point steps give 45% rather than"
    )
    said = (
        f"before groups at 45% and {UNLIKE_ABOVE * 100:.4g}% would give {lower['right_and_sure']:.1%} right-and-sure, "
        f"but {misses} 46%)."
    )
    assert (
        said in readme and said.replace("would give", "would answer").replace("than 46%", "than the 46% above") in docs
    )
    gone = f'but "Not sure" on only {lower["unsure_unseen_garment"]:.1%}'
    assert gone not in readme and gone.replace("but ", "but says ") not in docs
    # the docs: both bracketing points, and the other direction, at the rule before groups' own threshold
    own = _point(old_curve, old_chosen["unsure_below"])
    n_o, w_o, _ = _counts(own)
    match = min(new_curve, key=lambda p: abs(round(p["coverage"] * inside) - n_o))
    n_m, w_m, _ = _counts(match)
    assert match["risk"] > own["risk"]
    assert (
        f"The rule before groups at {above['threshold']:.0%} and {below['threshold']:.0%} answers {n_a:,} and {n_b:,} "
        f"photos of the ten, {w_a} and {w_b} of them wrong ({above['risk']:.1%} and {below['risk']:.1%}), against the "
        f"group rule's {n_new:,} and {w_new} ({new['risk']:.1%}) at {UNSURE_BELOW:.0%}. At the rule before groups' own "
        f"{old_chosen['unsure_below']:.0%} ({n_o:,} answered, {w_o} wrong), the group rule needs "
        f"{match['threshold']:.0%} to answer as few, {n_m:,}, and {w_m} of those are wrong ({match['risk']:.1%})."
        in docs
    )
    assert (
        f"at {above['threshold']:.0%} the rule before groups answers {h_a} of the {outside} hats, shorts and skirts, the "
        f"group rule at {UNSURE_BELOW:.0%} {h_new}" in docs
    )
    assert (
        f"So on photos of the ten the group rule does worse: at equal coverage it is right and sure for {r_new:,} of "
        f"the {inside:,} ({r_new / inside:.1%}; {n_new:,} answered less {w_new} wrong), against {r_a:,} "
        f"({r_a / inside:.1%}) for the rule before groups at {above['threshold']:.0%}." in docs
    )
    assert "So the gain is all in which photos are held back" not in docs
    assert "not from the model knowing more" not in docs
    assert "None of it comes from the model knowing more: the top class is the same under both rules." in docs
    # "Not done": the same point, with the spread of the two bracketing error rates
    assert (
        f"At equal coverage its answers are wrong more often too ({new['risk']:.1%} against "
        f"{100 * below['risk']:.1f}–{above['risk']:.1%}): on photos of the ten it does worse, and its gain is that it "
        "answers fewer hats, shorts and skirts." in docs
    )
    assert "its gain is all in which photos it holds back" not in docs


def test_the_docs_give_the_two_rules_answers_as_differences_of_counts():
    """Review 139 L8: the two rules' answer sets are not nested, so the extra answers are differences of counts."""
    inside, _ = _photos_of_the_ten()
    old = _point(_before_groups()["cross_validation"]["risk_coverage"], 0.55)
    n_new, w_new, _ = _counts(_point(REAL["cross_validation"]["risk_coverage"], UNSURE_BELOW))
    n_old, w_old, _ = _counts(old)
    more, right = n_new - n_old, (n_new - w_new) - (n_old - w_old)
    assert (
        f"{more} more answers and {right} more right ones, so {more - right} more wrong. These are differences of counts"
        in _docs()
    )
    assert f"{more} more answers, {right} of them right" not in _docs()


# -- H3, M3, L2: the "unlike" rule ---------------------------------------------------------------------------------------
def test_the_readme_gives_the_unlike_rules_reason_with_its_weakness():
    auroc = REAL["unlike_rule"]["auroc"]
    family = {name: scores["unseen family"]["mean"] for name, scores in auroc.items()}
    ours = family["relative Mahalanobis (negated)"]
    assert ours == min(family.values())  # "the weakest at spotting the unseen generated family"
    readme = _readme()
    assert "does not read the softmax probabilities, as the other rule does" in readme
    # review 140 #17: AUROC said in words, and "top probability" is the top class's own, not the group sum
    assert (
        f"the weakest at spotting the unseen generated family (AUROC {ours:.3f} against "
        f"{family['top probability']:.3f} for the top probability, `unlike_rule.auroc`: AUROC is the chance that the "
        "score ranks a random picture of that family as more unusual than a random new photo of the ten, ties counting "
        "half, mean of the 3 folds; the top probability is the top class's own softmax output, not the group sum the "
        "app's rule reads)." in readme
    )
    folds = {len(scores["unseen family"]["folds"]) for scores in auroc.values()}
    assert folds == {3}
    assert "is the only one that does not rest on the ten classes" not in readme
    docs = _docs()
    assert "is the only one of the two rules that does not read the ten classes' probabilities (its distances" in docs


def test_the_readme_gives_the_unseen_garment_unrounded_where_it_rounds_to_the_minimum():
    cv = REAL["cross_validation"]
    with_line, without = (
        cv["cv"]["unsure_unseen_garment"]["mean"],
        cv["cv_probability_only"]["unsure_unseen_garment"]["mean"],
    )
    assert max(with_line, without) < MIN_UNSURE_UNSEEN_GARMENT <= round(with_line, 3)
    readme = _readme()
    assert (
        f"(every photo of that kind, including those by people whose other photos the fold trained on), a mean of {with_line:.2%} before rounding, under the 80% minimum"
        in readme
    )
    assert f"before rounding, that garment's {without:.2%} is under its 80% minimum with the rule and without" in readme
    # review 140 #13: the minimum is held on the three runs pooled, which keep it
    pooled = cv["all_runs"]["unsure_unseen_garment"]["mean"]
    grid = {(g["unsure_below"], g["unlike_above"]): g for g in cv["grid"]}
    assert pooled == grid[UNSURE_BELOW, UNLIKE_ABOVE]["unsure_unseen_garment"] >= MIN_UNSURE_UNSEEN_GARMENT
    assert (
        f"a mean of {with_line:.2%} before rounding, under the 80% minimum (the minimum is applied to the three runs "
        f"pooled: {pooled:.1%})" in readme
    )
    assert "adds almost nothing to the probability rule alone on the table's run" in readme
    sure = cv["cv"]["right_and_sure"]
    assert f'right and not "Not sure" **{sure["mean"]:.1%} ± {sure["sd"]:.1%}**;' in readme
    assert (
        "Why the views: on the table's run, each way at the thresholds the rule chose for it on the three runs pooled"
        in readme
    )


# -- L1, L9, L11, L12 ----------------------------------------------------------------------------------------------------
def test_the_readme_names_what_computes_its_smaller_figures():
    from model.real_photos import best_constant

    readme = _readme()
    best, share = best_constant(REAL["untrained"]["results"]["Fashion-MNIST-only model"]["per_folder"])
    # reviews 140 #17, 141: "the best single answer" inside the bracket, beside the answer it names
    assert (
        f"answering {CLASS_NAMES[best]}, the best single answer, for every photo would score {share:.1%} under the same "
        "mapping: `model/real_photos.py`, `best_constant`, shown in Classify and Improving it);" in readme
    )
    assert "under the same mapping), " not in readme
    assert "or, to the network, the photo is more unusual" in readme
    assert "or to the network, the photo is" not in readme
    assert (
        "on Fashion-MNIST's test images, each read once, whereas Classify averages an image with its mirror image (one pass:"
        in readme
    )
    assert "`tabs/classify.py`, `_group_record`, from the folder's `calibration.npz`)" in readme
    assert (
        "Those ± are the sd over 9 models on 3 shared folds, so the values are not independent and not comparable with "
        "the 3-fold sd above." in readme
    )


def test_the_readme_says_the_seed_choice_is_a_near_tie():
    seeds = [s["val_target_accuracy"] for s in METRICS["real_photos"]["seeds"]]
    spread = max(seeds) - min(seeds)
    images = METRICS["validation_size"]
    assert round(spread * images) == 5 and round(100 * spread, 1) == 0.1
    assert (
        f"is the best of {len(seeds)} fine-tune seeds on Fashion-MNIST's validation split ({100 * min(seeds):.2f}–"
        f"{max(seeds):.2%}, a {100 * spread:.1f}-point spread, {round(spread * images)} images in {images:,}: likely "
        "noise; `metrics.json`, `real_photos.seeds`). That choice measures nothing about photos." in _readme()
    )


# -- M5, L5, L7, L10: the docs' weak spots -------------------------------------------------------------------------------
def test_the_docs_say_the_minimums_hold_on_a_mean_not_per_garment():
    cv = REAL["cross_validation"]
    garments, families = cv["cv"]["unsure_unseen_garment"]["folds"], cv["cv"]["unsure_unseen_family"]["folds"]
    nested = cv["held_out_choice"]["grid"]["folds"][0]
    assert cv["fold_details"][0]["left_out_garment"] == "hat"
    assert (nested["unsure_below"], nested["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE)  # the app's thresholds
    assert garments[0] < MIN_UNSURE_UNSEEN_GARMENT and families[2] < MIN_UNSURE_UNSEEN_FAMILY
    assert nested["unsure_unseen_garment"] < MIN_UNSURE_UNSEEN_GARMENT
    assert (
        f'the fold whose unseen garment is hats says "Not sure" on only {garments[0]:.1%} of them '
        f"(`cv.unsure_unseen_garment.folds[0]`; {nested['unsure_unseen_garment']:.1%} over the three runs' fold-0 "
        f"models, `held_out_choice.grid.folds[0]`), and fold 2's unseen generated family is at {families[2]:.1%} "
        "(`cv.unsure_unseen_family.folds[2]`)" in _docs()
    )
    assert "so it is no guarantee for any one of them" in _docs()


def test_the_docs_weak_spots_give_the_group_answers_and_falls_in_full():
    cv = REAL["cross_validation"]
    coats = cv["group_answers"]["by_folder"]["outwear"]
    old, new = cv["top_class_rule"]["chosen"], cv["groupings"]["upper-body garments; footwear (the app's)"]
    assert new["unsure_outside"] < old["unsure_outside"] and new["unsure_outside"] >= MIN_UNSURE_OUTSIDE
    docs = _docs()
    assert (
        "70%, while no class alone does, gets" in docs
        and "(where one class alone reaches 70%, the answer is that class)" in docs
    )
    assert (
        f"{coats['group_answers']} coat photos got a group answer, {coats['right']} of them naming Coat and "
        f"{coats['group_answers'] - coats['right']} another class" in docs
    )
    assert (
        f'"Not sure" fell on hats etc. from {old["unsure_outside"]:.1%} to {new["unsure_outside"]:.1%} and on the '
        f"unseen generated family from {old['unsure_unseen_family']:.1%} to {new['unsure_unseen_family']:.1%}" in docs
    )
    assert "together 91.0%" not in docs and "Sandal alone 45.0%" not in docs  # review 139 L7: a typed-in example


# -- review 140 #1, #9 -------------------------------------------------------------------------------------------------
def test_the_kinds_variant_is_not_faulted_for_what_the_shipped_runs_share():
    """Review 140 #1: at the app's thresholds the unseen garment is under its minimum for kinds and for two of the
    shipped targets' three runs alike (the minimum is checked on the runs pooled), so the docs' summary says so."""
    runs = REAL["targets_tried"]["runs"]
    shipped = [r for r in runs if r["recipe"]["targets"] == "committed"]
    kinds = next(r for r in runs if r["recipe"]["targets"] == "kinds")
    garment = [r["at_app"]["unsure_unseen_garment"]["mean"] for r in shipped]
    assert sum(g < MIN_UNSURE_UNSEEN_GARMENT for g in garment) == 2
    assert kinds["at_app"]["unsure_unseen_garment"]["mean"] < MIN_UNSURE_UNSEEN_GARMENT
    assert kinds["right_and_sure"]["mean"] < min(r["right_and_sure"]["mean"] for r in shipped)  # its own thresholds
    docs = _docs()
    kinds_garment = kinds["at_app"]["unsure_unseen_garment"]["mean"]
    assert (
        f"and its “Not sure” on the unseen garment ({kinds_garment:.1%}) is under the 80% minimum there, as are two of the shipped targets' three runs"
        in docs
    )
    assert 'but says "Not sure" on less of the unseen garment, under the minimum ("Two target' not in docs


def test_the_readme_says_which_views_figures_no_file_keeps():
    """Review 140 #9: the mirror-averaged per-folder figures and the views' Fashion-MNIST test accuracies were
    printed by benchmarks.test_time_views and not kept; the 6 views' per-folder figures are in the JSON."""
    cv = REAL["cross_validation"]["cv"]["per_folder"]["outwear"]["mean"]
    others = [
        r["per_folder"]["outwear"] for r in REAL["targets_tried"]["runs"][1:3]
    ]  # seed + 1000, seed + 2000: over the 6 views
    assert all(r["recipe"]["targets"] == "committed" for r in REAL["targets_tried"]["runs"][:3])
    readme = _readme()
    assert (
        f"class right fell from 53.3% to {cv:.1%} (on the other two seeds from 49.3% to {others[0]:.1%} and from 48.2% "
        f"to {others[1]:.1%}; the mirror-averaged figures printed by `python -m benchmarks.test_time_views` in a run "
        "whose output was not kept, those over the 6 views in `cross_validation.cv.per_folder` and `targets_tried`)"
        in readme
    )
    assert "(and on both other seeds: +3.8 and +4.2 points, printed, not kept)" in readme
    assert "47.4%; `python -m benchmarks.test_time_views`)" not in readme


def test_the_docs_say_where_the_group_rules_gain_comes_from():
    """Review 141 #3: "does worse at equal coverage" beside "74.5% against 68.5%" needs the link said: the higher
    right-and-sure at the thresholds the minimums allow comes from answering more photos, not better ones."""
    cv = REAL["cross_validation"]
    before = cv["top_class_rule"]["chosen"]["right_and_sure"]
    now = cv["groupings"]["upper-body garments; footwear (the app's)"]["right_and_sure"]
    assert now > before
    said = (
        "So the group rule's higher right-and-sure at the thresholds the minimums allow "
        f"({now:.1%} against {before:.1%}, above) comes from answering more photos of the ten, not from ranking them "
        "better: at equal coverage it does worse."
    )
    assert said in _readme() and said in _docs()


def test_the_readme_itself_gives_the_risk_coverage_points_and_what_groups_and_the_unlike_rule_change():
    """Issue 24 item 7: the risk-coverage points and the OOD score's share go in the README itself; with the rest of
    the account moved to docs/real-photo-numbers.md, these are read from README.md alone (review 154 #2-#6, #11)."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    cv = REAL["cross_validation"]
    new = _point(cv["risk_coverage"], UNSURE_BELOW)
    before = _before_groups()["cross_validation"]
    chosen = before["chosen"]["unsure_below"]
    old = _point(before["risk_coverage"], chosen)
    assert chosen == cv["top_class_rule"]["chosen"]["unsure_below"]
    assert (
        f"the rule before groups read the top class's own probability, at thresholds chosen by the threshold-choosing rule above "
        f"({chosen:.0%} "
        f"and {cv['top_class_rule']['chosen']['unlike_above']:.1%})" in readme
    )
    assert (
        f"the group rule answers {new['coverage']:.1%} of new people's photos of the ten, and {new['risk']:.1%} of those "
        f"answers are wrong, against {old['coverage']:.1%} answered and {old['risk']:.1%} wrong for the rule before "
        f"groups at its {chosen:.0%}" in readme
    )
    # at equal coverage: the rule before groups' lowest threshold answering at least as many photos of the ten
    above = max((p for p in before["risk_coverage"] if p["coverage"] >= new["coverage"]), key=lambda p: p["threshold"])
    assert above["risk"] < new["risk"]  # "wrong more often"
    (n_new, w_new, held_new), (n_old, w_old, held_old) = _counts(new), _counts(above)
    inside, outside = _photos_of_the_ten()
    assert (
        "At equal coverage, the group rule's answers are wrong more often: at a threshold of "
        f"{above['threshold']:.0%} (the rule before groups' risk–coverage curve is in 1-point steps), the nearest point "
        f"answering at least as many, the rule before groups answers {n_old:,} of the {inside:,} photos of the ten, "
        f"{w_old} of them wrong ({w_old / n_old:.1%}), against {n_new:,} and {w_new} ({w_new / n_new:.1%}) at "
        f"{UNSURE_BELOW:.0%}." in readme
    )
    pooled = next(g for g in cv["grid"] if (g["unsure_below"], g["unlike_above"]) == (UNSURE_BELOW, UNLIKE_ABOVE))
    assert (
        f"The group rule's higher right-and-sure at the thresholds the minimums allow ({pooled['right_and_sure']:.1%} "
        f"against {cv['top_class_rule']['chosen']['right_and_sure']:.1%}, both on the 9 fold models)" in readme
    )
    assert held_new < held_old
    assert (
        f"on the table's run, at {UNSURE_BELOW:.0%} it answers {held_new} of all {outside} (the unseen garment's included), against "
        f"{held_old} for the rule before groups at {above['threshold']:.0%}" in readme
    )
    both, alone = cv["cv"], cv["cv_probability_only"]
    assert (
        f'"Not sure" on the unseen garment {alone["unsure_unseen_garment"]["mean"]:.1%} → '
        f"{both['unsure_unseen_garment']['mean']:.1%}, on the unseen generated kind "
        f"{alone['unsure_unseen_family']['mean']:.1%} → {both['unsure_unseen_family']['mean']:.1%}, for "
        f"{100 * (alone['right_and_sure']['mean'] - both['right_and_sure']['mean']):.2f} points of right-and-sure "
        f"({alone['right_and_sure']['mean']:.3%} → {both['right_and_sure']['mean']:.3%})" in readme
    )
    assert "[docs/real-photo-numbers.md](docs/real-photo-numbers.md)" in readme


def test_the_readme_itself_says_how_the_thresholds_were_searched():
    """Review 154 #6: the grid, the rule and its minimums, in the README, from the JSON and model/real_photos.py."""
    from model.real_photos import MIN_UNSURE

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    grid = REAL["cross_validation"]["grid"]
    lows = sorted({g["unsure_below"] for g in grid})
    lines = sorted({g["unlike_above"] for g in grid})
    steps = {round(b - a, 9) for a, b in zip(lows, lows[1:], strict=False)}
    assert steps == {0.05} and lines[-1] == 1.0  # a line at 100% holds nothing back: "off"
    said = ", ".join(f"{v:.1%}".replace(".0%", "%") for v in lines[:-2]) + f", {lines[-2]:.1%} or off"
    assert (
        f'a grid (the probability threshold in 5-point steps from {lows[0]:.0%} to {lows[-1]:.0%}, the "unlike" line '
        f"at {said})" in readme
    )
    assert (
        f'keep the three "Not sure" minimums ({MIN_UNSURE["unsure_outside"]:.0%} on the hats, shorts and skirts of the '
        f"kinds a fold trained on, {MIN_UNSURE['unsure_unseen_garment']:.0%} on the unseen garment, "
        f'{MIN_UNSURE["unsure_unseen_family"]:.0%} on the unseen generated kind), with the "unlike" line on' in readme
    )
    fine = REAL["cross_validation"]["fine_choice"]
    assert (
        f"A finer search in 0.1-point steps, not adopted, puts the thresholds at {100 * fine['unsure_below']:.1f}% and "
        f"{fine['unlike_above']:.1%} with {fine['right_and_sure']:.1%} right-and-sure" in readme
    )
