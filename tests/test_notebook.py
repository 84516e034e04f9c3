"""examples/bengali_news.ipynb, run end to end in a real Jupyter kernel (nbclient, ipykernel's
``python3`` kernel from this environment), with its outputs checked for the expected
neighbours. Skips only if the kernel cannot start."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import corpora_path

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "bengali_news.ipynb"
SAMPLE_A, SAMPLE_B = "000_63125d0b3e90fd15", "003_a047b99cd8e37fa5"


def outputs_of(notebook) -> tuple[str, list[dict]]:
    """All the text the cells printed, and every rich output."""
    printed, rich = [], []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", (output.ename, output.evalue)
            if output.output_type == "stream" and output.name == "stdout":
                printed.append(output.text)
            elif "data" in output:
                rich.append(output.data)
    return "".join(printed), rich


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra")
    pytest.importorskip("ipykernel", reason="ipykernel is in the test extra")
    from jupyter_client.kernelspec import NoSuchKernel

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel inherits this environment: a user's session, not pytest's, and the real
    # corpus where the test suite found it.
    saved = dict(os.environ)
    os.environ.pop("PYTEST_CURRENT_TEST", None)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ["MPLBACKEND"] = "agg"
    # The kernel spec may name plain "python": make that this environment's interpreter.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    os.environ["MPLCONFIGDIR"] = str(tmp_path_factory.mktemp("matplotlib"))
    if corpora_path().is_dir():
        os.environ["TEXTSIM_CORPORA"] = str(corpora_path())
    client = nbclient.NotebookClient(
        notebook, kernel_name="python3", timeout=300,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    try:
        try:
            client.execute()
        except (NoSuchKernel, RuntimeError) as error:
            if isinstance(error, nbclient.exceptions.CellExecutionError):
                raise
            pytest.skip(f"the python3 Jupyter kernel could not start: {error}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return notebook


def test_notebook_runs_without_errors(executed):
    printed, rich = outputs_of(executed)
    assert "202 articles; the first two are the samples" in printed


def test_samples_are_each_others_best_match(executed):
    printed, _ = outputs_of(executed)
    assert f"best match of {SAMPLE_A} is {SAMPLE_B}" in printed
    assert f"best match of {SAMPLE_B} is {SAMPLE_A}" in printed


def test_near_duplicates_found(executed):
    printed, _ = outputs_of(executed)
    assert "group: bdnps-00142 bdnps-00714" in printed
    assert "group: bdnps-00801 bdnps-00809 bdnps-00812" in printed
    assert SAMPLE_A not in "".join(line for line in printed.splitlines() if line.startswith("group:"))


def test_stories_put_the_samples_together_and_show_a_table(executed):
    printed, rich = outputs_of(executed)
    story = next(line for line in printed.splitlines() if line.startswith("the samples' story:"))
    assert sorted(story.split(":", 1)[1].split()) == sorted([SAMPLE_A, SAMPLE_B])
    html = [data["text/html"] for data in rich if "text/html" in data]
    assert any("<strong>Groups</strong>" in h and "representative" in h and "linkage=&#x27;average&#x27;" in h for h in html)
    assert any("Group sizes by min_score" in h for h in html)
    if corpora_path().is_dir():
        line = next(l for l in printed.splitlines() if l.startswith("largest group at 0.3"))
        single, average = (int(w) for w in line.replace(",", "").split() if w.isdigit())
        assert average < single


def test_query_finds_the_samples_first(executed):
    printed, _ = outputs_of(executed)
    hits = [line.split()[2] for line in printed.splitlines() if line.startswith("query hit")]
    assert set(hits[:2]) == {SAMPLE_A, SAMPLE_B}


def test_rich_outputs(executed):
    _, rich = outputs_of(executed)
    html = [data["text/html"] for data in rich if "text/html" in data]
    # The fitted vectorizer, the neighbour table, the explanation, the heatmap with its legend.
    assert any("TfidfVectorizer" in h and "terms from 202 documents" in h for h in html)
    assert any("neighbour_title" in h for h in html)
    assert any("contribution" in h for h in html)
    assert any("data:image/png;base64," in h and "কিমের" in h for h in html)


def test_real_corpus_section(executed):
    printed, _ = outputs_of(executed)
    if corpora_path().is_dir():
        assert "real corpus: 1034 articles" in printed
        assert "same story, two outlets, found: True" in printed
    else:
        assert "real corpus not found" in printed
