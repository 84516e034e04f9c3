"""The ``textsim`` command, driven as a user drives it: a subprocess, real files in a temporary
folder, the exit status and what is printed."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import textsim
from textsim.datasets import load_sample

SAMPLE_A, SAMPLE_B = "000_63125d0b3e90fd15", "003_a047b99cd8e37fa5"

# Three small real articles per story, so that neighbours are unambiguous.
CRICKET = [
    "Bangladesh won the cricket match against India by five wickets in Dhaka on Friday.",
    "The cricket match in Dhaka ended with Bangladesh beating India by five wickets.",
]
WEATHER = "Heavy rain and a cold wave are expected across the northern districts this week."


def textsim_command() -> list[str]:
    """The installed console script, as a user runs it (``python -m textsim`` without one)."""
    script = Path(sys.executable).with_name("textsim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "textsim"]


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST", "TEXTSIM_DEBUG")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [*textsim_command(), *args], input=stdin, capture_output=True, text=True,
        encoding="utf-8", cwd=cwd, env=env, timeout=120,
    )


def assert_user_error(result: subprocess.CompletedProcess, *fragments: str, status: int = 1) -> None:
    """One clear line on standard error, no traceback, the given exit status."""
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    if status == 1:
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("textsim: ")
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def similar_jsonl(*args: str) -> dict[str, list[dict]]:
    result = run("similar", *args, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {row["id"]: row["similar"] for row in rows}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of .txt files, one in a subfolder: the two samples and three short articles."""
    for article in load_sample():
        (tmp_path / f"{article.id}.txt").write_text(article.text, encoding="utf-8")
    (tmp_path / "sport").mkdir()
    for i, text in enumerate(CRICKET):
        (tmp_path / "sport" / f"cricket{i}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "weather.txt").write_text(WEATHER, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    return tmp_path


def records() -> list[dict]:
    samples = [{"id": a.id, "title": a.title, "text": a.text} for a in load_sample()]
    others = [{"id": f"cricket{i}", "title": f"Cricket {i}", "text": t} for i, t in enumerate(CRICKET)]
    return samples + others + [{"id": "weather", "title": "Weather", "text": WEATHER}]


# -- the main job on the bundled sample -------------------------------------------------------


def test_no_arguments_runs_similar_on_the_bundled_corpus():
    result = run()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The first article is sample A, and its best neighbour is sample B, among 200 news items.
    assert lines[0].startswith(SAMPLE_A)
    assert SAMPLE_B in lines[1]
    assert lines[1].split()[0].replace(".", "").isdigit()
    assert sum(1 for line in lines if not line.startswith(" ")) == len(textsim.datasets.load_bangla_news())
    assert result.stderr == ""


def test_python_dash_m_is_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "similar", "--top", "1", "--format", "csv"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_id = {r["article_id"]: r for r in rows}
    assert by_id[SAMPLE_A]["neighbour_id"] == SAMPLE_B
    assert by_id[SAMPLE_B]["neighbour_id"] == SAMPLE_A


def test_samples_are_each_others_best_match_in_jsonl():
    found = similar_jsonl("--top", "2")
    assert found[SAMPLE_A][0]["id"] == SAMPLE_B
    assert found[SAMPLE_B][0]["id"] == SAMPLE_A
    assert found[SAMPLE_A][0]["score"] > 2 * found[SAMPLE_A][1]["score"]
    assert found[SAMPLE_A][0]["title"].startswith("পুতিনের") is False  # the neighbour's own title
    assert found[SAMPLE_B][0]["title"].startswith("পুতিনের")


def test_duplicates_on_the_bundled_corpus_finds_known_pairs():
    result = run("duplicates", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    groups = [sorted(a["id"] for a in json.loads(line)["articles"]) for line in result.stdout.splitlines()]
    # Known near-duplicates of the source corpus (same story from two outlets; one story updated).
    assert ["bdnps-00142", "bdnps-00714"] in groups
    assert ["bdnps-00801", "bdnps-00809", "bdnps-00812"] in groups
    assert all(SAMPLE_A not in g for g in groups)


def test_duplicates_table_and_none_found():
    table = run("duplicates", "--min-score", "0.8")
    assert table.returncode == 0
    assert "group 1 (" in table.stdout
    none = run("duplicates", "--min-score", "0.999999")
    assert none.returncode == 0
    assert "No near-duplicates among 202 articles" in none.stdout


def test_query_finds_the_samples():
    result = run("query", "পুতিন উত্তর কোরিয়া কিম জং উন", "--top", "3", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert {hits[0]["id"], hits[1]["id"]} == {SAMPLE_A, SAMPLE_B}
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]


def test_query_reads_stdin_with_dash(folder):
    result = run("query", "-", str(folder), "--top", "1", stdin="cricket in Dhaka, Bangladesh and India")
    assert result.returncode == 0, result.stderr
    assert "sport/cricket" in result.stdout


# -- each input format ------------------------------------------------------------------------


def test_folder_of_txt_files_recursively(folder):
    found = similar_jsonl(str(folder), "--top", "1")
    assert set(found) == {f"{SAMPLE_A}.txt", f"{SAMPLE_B}.txt", "sport/cricket0.txt",
                          "sport/cricket1.txt", "weather.txt"}
    assert found[f"{SAMPLE_A}.txt"][0]["id"] == f"{SAMPLE_B}.txt"
    assert found["sport/cricket0.txt"][0]["id"] == "sport/cricket1.txt"
    # No title in a .txt file: the first words stand in for it.
    assert found["sport/cricket1.txt"][0]["title"].startswith("Bangladesh won the cricket")


def test_single_txt_files(folder):
    found = similar_jsonl(str(folder / "sport" / "cricket0.txt"), str(folder / "sport" / "cricket1.txt"),
                          str(folder / "weather.txt"))
    assert found[str(folder / "sport" / "cricket0.txt")][0]["id"] == str(folder / "sport" / "cricket1.txt")


def test_jsonl(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()), encoding="utf-8")
    found = similar_jsonl(str(path), "--top", "1")
    assert found[SAMPLE_A][0] == {"id": SAMPLE_B, "title": load_sample()[1].title,
                                  "score": found[SAMPLE_A][0]["score"]}
    assert found["cricket0"][0]["id"] == "cricket1"


def test_gzipped_jsonl_with_other_field_names(tmp_path):
    path = tmp_path / "news.jsonl.gz"
    renamed = [{"uid": r["id"], "headline": r["title"], "body": r["text"]} for r in records()]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in renamed)
    found = similar_jsonl(str(path), "--text-field", "body", "--title-field", "headline",
                          "--id-field", "uid", "--top", "1")
    assert found["cricket1"][0] == {"id": "cricket0", "title": "Cricket 0",
                                    "score": found["cricket1"][0]["score"]}


def test_json_list(tmp_path):
    path = tmp_path / "news.json"
    path.write_text(json.dumps(records(), ensure_ascii=False), encoding="utf-8")
    found = similar_jsonl(str(path), "--top", "1")
    assert found[SAMPLE_B][0]["id"] == SAMPLE_A


def test_csv_with_columns(tmp_path):
    path = tmp_path / "news.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "content"])
        for r in records():
            writer.writerow([r["id"], r["text"]])
    found = similar_jsonl(str(path), "--text-column", "content", "--id-column", "name", "--top", "1")
    assert found["cricket0"][0]["id"] == "cricket1"
    assert found[SAMPLE_A][0]["id"] == SAMPLE_B


def test_parquet(tmp_path):
    pyarrow = pytest.importorskip("pyarrow", reason="pyarrow is in the test extra")
    import pyarrow.parquet as parquet

    path = tmp_path / "news.parquet"
    rows = records()
    parquet.write_table(pyarrow.table({k: [r[k] for r in rows] for k in ("id", "title", "text")}), path)
    found = similar_jsonl(str(path), "--top", "1")
    assert found["weather"] == [] or found["weather"][0]["score"] < 0.5
    assert found[SAMPLE_A][0]["id"] == SAMPLE_B


def test_mixed_inputs_keep_their_order(folder, tmp_path):
    path = tmp_path / "more.jsonl"
    path.write_text(json.dumps({"id": "extra", "text": "cricket Bangladesh India wickets"}) + "\n")
    result = run("similar", str(path), str(folder / "sport"), "--format", "csv", "--top", "1")
    assert result.returncode == 0, result.stderr
    ids = [r["article_id"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert ids == ["extra", "cricket0.txt", "cricket1.txt"]


def test_csv_output_columns(folder):
    result = run("similar", str(folder), "--format", "csv", "--top", "2")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["article_id", "article_title", "rank", "neighbour_id", "neighbour_title", "score"]
    assert {r["rank"] for r in rows} <= {"1", "2"}


def test_min_score_and_top(folder):
    found = similar_jsonl(str(folder), "--min-score", "0.3", "--top", "4")
    assert found["weather.txt"] == []
    assert all(n["score"] >= 0.3 for ns in found.values() for n in ns)
    table = run("similar", str(folder), "--min-score", "0.3")
    assert "(1 of 5 articles have no similar article)" in table.stdout
    assert "weather.txt" not in table.stdout


def test_vectorizer_options_change_the_result(folder):
    words = similar_jsonl(str(folder), "--top", "1")
    chars = similar_jsonl(str(folder), "--top", "1", "--analyzer", "char_wb", "--ngram", "2,4",
                          "--min-df", "1", "--max-df", "1.0", "--sublinear-tf", "--jobs", "1")
    assert chars["sport/cricket0.txt"][0]["id"] == "sport/cricket1.txt"
    assert chars["sport/cricket0.txt"][0]["score"] != words["sport/cricket0.txt"][0]["score"]
    stop = similar_jsonl(str(folder), "--top", "1", "--stop-words", "english", "--fold-digits")
    assert stop["sport/cricket0.txt"][0]["id"] == "sport/cricket1.txt"


def test_save_index_then_reuse_it(folder, tmp_path):
    index = tmp_path / "news.textsim-index"
    first = run("similar", str(folder), "--save-index", str(index), "--format", "jsonl")
    assert first.returncode == 0, first.stderr
    assert index.is_file()
    again = run("similar", "--index", str(index), "--format", "jsonl")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    query = run("query", "wickets in Dhaka", "--index", str(index), "--top", "2")
    assert query.returncode == 0, query.stderr
    assert "sport/cricket" in query.stdout.splitlines()[0]
    loaded = textsim.SimilarityIndex.load(index)
    assert "weather.txt" in loaded.ids_


def test_tokenize_text_and_stdin():
    text = run("tokenize", "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন")
    assert text.returncode == 0
    assert text.stdout == "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন\n"
    piped = run("tokenize", "--fold-digits", stdin="Hello, World!\nসাল ২০২৫\n\n")
    assert piped.stdout == "hello world\nসাল 2025\n\n"
    ngrams = run("tokenize", "--ngram", "1,2", "--stop-words", "english", "the cat sat")
    # An n-gram holds a space: features are separated by tabs, so they read unambiguously.
    assert ngrams.stdout == "cat\tsat\tcat sat\n"
    chars = run("tokenize", "--analyzer", "char_wb", "--ngram", "3", "--jobs", "1", "পুতিন")
    # char_wb pads the word with a space on each side, then takes every 3 code points.
    assert chars.stdout == "\t".join([" পু", "পুত", "ুতি", "তিন", "িন "]) + "\n"


def test_help_and_version():
    result = run("--help")
    assert result.returncode == 0
    for command in ("similar", "duplicates", "query", "tokenize"):
        assert command in result.stdout
    assert run("--version").stdout.strip() == f"textsim {textsim.__version__}"
    assert "--text-field" in run("similar", "--help").stdout


# -- user mistakes: one line, no traceback, non-zero status -----------------------------------


def test_missing_file(tmp_path):
    assert_user_error(run("similar", str(tmp_path / "nope.jsonl")), "nope.jsonl: no such file or folder")


def test_unreadable_encoding_names_the_file(folder):
    (folder / "latin1.txt").write_bytes("café crème brûlée".encode("latin-1"))
    result = run("similar", str(folder))
    assert_user_error(result, "latin1.txt: not valid utf-8 text", "--encoding")
    ok = run("similar", str(folder / "latin1.txt"), str(folder / "weather.txt"), "--encoding", "latin-1")
    assert ok.returncode == 0, ok.stderr


def test_unknown_field(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"id": "1", "body": "text"}) + "\n")
    assert_user_error(run("similar", str(path)), "news.jsonl, line 1: no field 'text'", "'body'", "--text-field")
    assert_user_error(run("similar", str(path), "--text-field", "body", "--title-field", "headline"),
                      "no field 'headline'")


def test_unknown_csv_column(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("a,b\n1,2\n")
    assert_user_error(run("duplicates", str(path), "--text-column", "body"), "news.csv, row 2: no field 'body'")


def test_empty_corpus(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_user_error(run("similar", str(tmp_path / "empty")), "no articles in")
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    assert_user_error(run("duplicates", str(path)), "no articles in")


def test_articles_without_words(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_text(json.dumps({"text": "!!"}) + "\n" + json.dumps({"text": "?"}) + "\n")
    assert_user_error(run("similar", str(path)), "empty vocabulary")


def test_bad_json_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "fine"}) + "\n{oops\n")
    assert_user_error(run("similar", str(path)), "bad.jsonl, line 2: not JSON")


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK")
    assert_user_error(run("similar", str(path)), "report.docx: unsupported file type")


def test_not_an_index(tmp_path):
    path = tmp_path / "index.zip"
    path.write_bytes(b"not a zip")
    assert_user_error(run("similar", "--index", str(path)), "not a textsim index")
    assert_user_error(run("query", "x", "--index", str(tmp_path / "missing.zip")), "missing.zip: no such file")


def test_index_with_paths_or_vectorizer_options_is_a_usage_error(folder, tmp_path):
    index = tmp_path / "i.zip"
    assert run("similar", str(folder), "--save-index", str(index)).returncode == 0
    assert_user_error(run("similar", str(folder), "--index", str(index)), "not both", status=2)
    assert_user_error(run("similar", "--index", str(index), "--ngram", "1,2"), "--ngram", status=2)


def test_bad_option_values_are_usage_errors():
    assert_user_error(run("similar", "--top", "0"), "--top", status=2)
    assert_user_error(run("similar", "--ngram", "2,1"), "--ngram", status=2)
    assert_user_error(run("similar", "--format", "xml"), "--format", status=2)
    assert_user_error(run("frobnicate"), "invalid choice", status=2)


def test_inconsistent_vectorizer_options_are_one_line(folder):
    assert_user_error(run("similar", str(folder), "--min-df", "4", "--max-df", "1"), "max_df")
    assert_user_error(run("duplicates", str(folder), "--min-score", "0"), "--min-score")


def test_output_into_a_closed_pipe_is_quiet():
    if shutil.which("head") is None:
        pytest.skip("needs head")
    command = " ".join(f"'{c}'" for c in textsim_command())
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    result = subprocess.run(f"{command} similar --top 10 | head -n 1", shell=True,
                            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 0
    assert result.stdout.startswith(SAMPLE_A)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_jsonl_strings_may_hold_unicode_line_separators(tmp_path):
    # U+2028, U+0085 and U+001C are line breaks to str.splitlines, not to JSON Lines.
    path = tmp_path / "odd.jsonl"
    texts = ["cricket\u2028match in Dhaka", "cricket match\x85in Dhaka", "rain\x1cand wind"]
    path.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    found = similar_jsonl(str(path), "--top", "1")
    assert list(found) == ["0", "1", "2"]
    assert found["0"][0]["id"] == "1"


def test_duplicates_and_query_as_csv_and_from_an_index(tmp_path):
    index = tmp_path / "demo.index"
    fitted = run("duplicates", "--format", "csv", "--save-index", str(index))
    assert fitted.returncode == 0, fitted.stderr
    rows = list(csv.DictReader(io.StringIO(fitted.stdout)))
    assert list(rows[0]) == ["group", "id", "title", "score"]
    by_group: dict[str, set[str]] = {}
    for row in rows:
        by_group.setdefault(row["group"], set()).add(row["id"])
    assert {"bdnps-00142", "bdnps-00714"} in by_group.values()
    again = run("duplicates", "--format", "csv", "--index", str(index))
    assert again.stdout == fitted.stdout
    query = run("query", "সোনার দাম", "--index", str(index), "--format", "csv", "--top", "2")
    assert query.returncode == 0, query.stderr
    hits = list(csv.DictReader(io.StringIO(query.stdout)))
    assert [h["rank"] for h in hits] == ["1", "2"]
    # "Gold price": the daily gold-price reports (one says স্বর্ণ, another word for gold).
    assert {h["id"] for h in hits} <= {"bdnps-00138", "bdnps-00140", "bdnps-00695", "bdnps-00888"}
    table = run("query", "সোনার দাম", "--index", str(index), "--top", "1")
    assert table.stdout.split()[1] == hits[0]["id"]
