"""``textsim stories``, ``--stop-words english,bengali``, ``--clean-scraped`` and ``--stemmer``,
driven as a user drives them (a subprocess)."""

from __future__ import annotations

import csv
import io
import json

from test_cli import SAMPLE_A, SAMPLE_B, assert_user_error, run


def test_stories_on_the_bundled_sample_put_the_two_samples_together():
    result = run("stories", "--stop-words", "english,bengali", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    sizes = [s["size"] for s in stories]
    assert sizes == sorted(sizes, reverse=True) and min(sizes) >= 2
    together = [s for s in stories if SAMPLE_A in [a["id"] for a in s["articles"]]]
    assert len(together) == 1
    assert sorted(a["id"] for a in together[0]["articles"]) == sorted([SAMPLE_A, SAMPLE_B])
    assert together[0]["representative"] in (SAMPLE_A, SAMPLE_B)


def test_stories_table_and_csv():
    table = run("stories", "--stop-words", "english", "--stop-words", "bengali")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].startswith("39 stories of 2 or more articles (average")
    assert "story 1 (" in table.stdout
    rows = list(csv.DictReader(io.StringIO(
        run("stories", "--stop-words", "english,bengali", "--format", "csv").stdout)))
    assert set(rows[0]) == {"story", "size", "representative", "id", "title"}
    # One representative per story.
    per_story: dict[str, int] = {}
    for row in rows:
        per_story[row["story"]] = per_story.get(row["story"], 0) + int(row["representative"])
    assert set(per_story.values()) == {1}


def test_repeated_and_combined_stop_word_lists_are_the_same():
    combined = run("stories", "--stop-words", "english,bengali", "--format", "csv").stdout
    repeated = run("stories", "--stop-words", "bengali", "--stop-words", "english",
                   "--format", "csv").stdout
    assert combined == repeated


def test_single_linkage_chains_more():
    single = run("stories", "--linkage", "single", "--min-score", "0.2", "--format", "jsonl")
    average = run("stories", "--min-score", "0.2", "--format", "jsonl")
    largest = lambda r: max(json.loads(line)["size"] for line in r.stdout.splitlines())  # noqa: E731
    assert largest(single) > largest(average)


def test_stories_mistakes_are_one_line():
    result = run("stories", "--min-score", "0")
    assert result.returncode == 1 and "--min-score" in result.stderr and "Traceback" not in result.stderr
    assert_user_error(run("stories", "--stop-words", "english,french"), "--stop-words", status=2)
    assert_user_error(run("stories", "--linkage", "ward"), "--linkage", status=2)


def test_tokenize_cleans_and_stems_on_request():
    result = run("tokenize", "--clean-scraped", "--stemmer", "bengali",
                 "[ad_1] <p>সোনার দাম কমেছে</p> &rsquo;")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["সোনা", "দাম", "কম"]
    plain = run("tokenize", "[ad_1] সোনার")
    assert plain.stdout.split() == ["ad_1", "সোনার"]


# -- the command's rough edges (issue 15) ----------------------------------------------------


def test_a_high_min_score_does_not_list_every_article_alone():
    result = run("similar", "--min-score", "0.8")
    assert result.returncode == 0, result.stderr
    assert "(no similar article)" not in result.stdout
    assert result.stdout.rstrip().endswith("of 202 articles have no similar article)")


def test_duplicates_csv_carries_scores():
    rows = list(csv.DictReader(io.StringIO(run("duplicates", "--format", "csv").stdout)))
    assert rows and all(0.9 <= float(r["score"]) <= 1.0 + 1e-9 for r in rows)
    firsts = {}
    for r in rows:
        firsts.setdefault(r["group"], float(r["score"]))
    assert all(abs(s - 1.0) < 1e-9 for s in firsts.values())
    jsonl = [json.loads(line) for line in run("duplicates", "--format", "jsonl").stdout.splitlines()]
    assert all("score" in a for g in jsonl for a in g["articles"])


def test_no_path_says_the_demo_is_used():
    result = run("duplicates")
    assert result.returncode == 0
    assert "no PATH given: this was the bundled sample" in result.stderr


def test_errors_name_the_flag_as_typed():
    assert_user_error(run("similar", "--min-score", "2"), "--min-score")
    assert_user_error(run("similar", "--min-sc", "2"), "--min-sc:")
    result = run("similar", "--min-df", "5000")
    assert_user_error(result, "--min-df 5000", "202 articles")
    assert "max_df" not in result.stderr


def test_tokenize_refuses_vectorizer_options():
    for option in (["--min-df", "2"], ["--max-df", "0.5"], ["--max-features", "3"], ["--sublinear-tf"]):
        result = run("tokenize", *option, "text")
        assert_user_error(result, option[0], "not used by tokenize", status=2)


def test_articles_from_standard_input():
    records = "".join(
        json.dumps({"id": f"n{i}", "title": t, "text": t}) + "\n"
        for i, t in enumerate(["gold prices fell today", "cricket in dhaka", "gold prices fell again"])
    )
    result = run("similar", "-", "--format", "jsonl", "--top", "1", stdin=records)
    assert result.returncode == 0, result.stderr
    found = {r["id"]: [n["id"] for n in r["similar"]] for r in map(json.loads, result.stdout.splitlines())}
    assert found["n0"] == ["n2"] and found["n2"] == ["n0"]
    lines = run("similar", "-", "--lines", "--format", "jsonl", "--top", "1",
                stdin="gold prices fell today\n\ncricket in dhaka\ngold prices fell again\n")
    ids = [json.loads(line)["id"] for line in lines.stdout.splitlines()]
    assert ids == ["stdin:1", "stdin:3", "stdin:4"]


def test_one_article_per_line_of_a_txt_file(tmp_path):
    path = tmp_path / "headlines.txt"
    path.write_text("gold prices fell today\ncricket in dhaka\ngold prices fell again\n", encoding="utf-8")
    whole = run("similar", str(path), "--format", "jsonl")
    assert_user_error(whole, "only 1 article")
    per_line = run("similar", str(path), "--lines", "--format", "jsonl", "--top", "1")
    records = [json.loads(line) for line in per_line.stdout.splitlines()]
    assert [r["id"] for r in records] == [f"{path.as_posix()}:{n}" for n in (1, 2, 3)]


def test_missing_texts_are_named_unless_skipped_or_kept(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text('{"text": "gold prices fell"}\n{"text": null}\n{"text": "gold prices rose"}\n',
                    encoding="utf-8")
    assert_user_error(run("similar", str(path)), "line 2", "missing", "--missing skip")
    skipped = run("similar", str(path), "--missing", "skip", "--format", "jsonl")
    assert len(skipped.stdout.splitlines()) == 2
    kept = run("similar", str(path), "--missing", "empty", "--format", "jsonl")
    assert len(kept.stdout.splitlines()) == 3
    table = tmp_path / "news.csv"
    table.write_text("id,text\na,gold prices fell\nb,\nc,gold prices rose\n", encoding="utf-8")
    assert_user_error(run("similar", str(table)), "row 3", "missing")


def test_field_errors_name_the_flag_as_typed(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text('{"body": "gold prices fell"}\n', encoding="utf-8")
    assert_user_error(run("similar", str(path), "--text-column", "text"), "--text-column")
    assert_user_error(run("similar", str(path), "--text-field", "text"), "--text-field")
