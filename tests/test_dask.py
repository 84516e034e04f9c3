"""textsim.dask on a real distributed.LocalCluster (worker processes, loopback only): the
distributed fit, transform, most_similar, similar_pairs and near_duplicates equal the
single-machine results exactly, also when a worker process dies in the middle and Dask runs its
tasks again."""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings

import numpy as np
import pytest

dask = pytest.importorskip("dask", reason="textsim.dask needs the dask extra (in textsim[test])")
distributed = pytest.importorskip("distributed", reason="needs distributed (in textsim[test])")
pd = pytest.importorskip("pandas", reason="needs pandas (in textsim[test])")

import cloudpickle  # noqa: E402  (a dependency of distributed)
import dask.array as da  # noqa: E402
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402

import textsim  # noqa: E402
import textsim.dask as tsd  # noqa: E402
from generated import generated_corpus  # noqa: E402

# The worker processes do not import this test module: send its helpers by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

DOCS = generated_corpus(600, seed=11)
PARAMS = [{}, {"min_df": 2, "max_df": 0.8, "max_features": 40, "sublinear_tf": True}]


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        # Starting worker processes may warn about ports or memory limits; not what is tested.
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=3,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
            # The scheduler's HTTP server (health and metrics, no dashboard) on loopback too.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,
        )
        client = distributed.Client(cluster)
    try:
        yield client
    finally:
        with warnings.catch_warnings():
            # Closing a cluster whose workers were killed and restarted can warn about
            # connections closed during shutdown.
            warnings.simplefilter("ignore")
            client.close()
            cluster.close()


def as_bag(docs, partitions=6):
    return db.from_sequence(docs, npartitions=partitions)


def test_the_cluster_listens_on_loopback_only_without_dashboard(client):
    psutil = pytest.importorskip("psutil", reason="needs psutil (in textsim[test])")
    info = client.scheduler_info()
    assert client.scheduler.address.startswith("tcp://127.0.0.1:")
    assert len(info["workers"]) == 3
    assert all(address.startswith("tcp://127.0.0.1:") for address in info["workers"])
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 3 and os.getpid() not in pids.values()
    # Every socket this process and the worker processes listen on is on loopback.
    here = psutil.Process()
    listening = [
        c.laddr
        for process in [here, *here.children(recursive=True)]
        for c in process.net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert len(listening) >= 1 + 2 * 3  # scheduler, and a nanny and a worker per process
    assert {address.ip for address in listening} == {"127.0.0.1"}


@pytest.mark.parametrize("params", PARAMS, ids=str)
def test_fit_over_a_bag_a_series_and_an_array_equals_one_fit(client, params):
    expected = textsim.TfidfVectorizer(**params).fit(DOCS)
    series = dd.from_pandas(pd.Series(DOCS, name="text"), npartitions=5)
    array = da.from_array(np.array(DOCS, dtype=object), chunks=97)
    for collection in (as_bag(DOCS), series, series.to_frame(), array):
        fitted = tsd.fit(textsim.TfidfVectorizer(**params), collection, split_every=2)
        assert fitted.vocabulary_ == expected.vocabulary_
        np.testing.assert_array_equal(fitted.idf_, expected.idf_)
    counts = tsd.fit(textsim.CountVectorizer(ngram_range=(1, 2)), as_bag(DOCS))
    assert counts.vocabulary_ == textsim.CountVectorizer(ngram_range=(1, 2)).fit(DOCS).vocabulary_


def assert_same_matrix(got, expected):
    assert got.shape == expected.shape and got.dtype == expected.dtype
    got = got.tocsr()
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)


def test_transform_gives_the_same_matrix_in_csr_blocks(client):
    vectorizer = textsim.TfidfVectorizer(min_df=2).fit(DOCS)
    expected = vectorizer.transform(DOCS)
    blocks = tsd.transform(vectorizer, as_bag(DOCS))
    assert blocks.numblocks == (6, 1)
    assert_same_matrix(blocks.compute(), expected)
    array = da.from_array(np.array(DOCS, dtype=object), chunks=250)
    blocks = tsd.transform(vectorizer, array)
    assert blocks.chunks[0] == (250, 250, 100)
    assert_same_matrix(blocks.compute(), expected)
    with pytest.raises(textsim.NotFittedError):
        tsd.transform(textsim.TfidfVectorizer(), as_bag(DOCS))


@pytest.mark.parametrize("k, min_score", [(1, None), (5, None), (4, 0.2), (3, 0.0)])
def test_most_similar_over_tiles_equals_most_similar(client, k, min_score):
    vectorizer = textsim.TfidfVectorizer().fit(DOCS)
    matrix = vectorizer.transform(DOCS)
    blocks = tsd.transform(vectorizer, as_bag(DOCS, partitions=4))
    indices, scores = dask.compute(*tsd.most_similar(blocks, k=k, min_score=min_score))
    expected_indices, expected_scores = textsim.most_similar(matrix, k=k, min_score=min_score)
    np.testing.assert_array_equal(indices, expected_indices)
    # The same pairs are scored by the same arithmetic: bit for bit.
    np.testing.assert_array_equal(scores, expected_scores)
    queries = tsd.transform(vectorizer, as_bag(DOCS[:50], partitions=3))
    indices, scores = dask.compute(*tsd.most_similar(queries, blocks, k=k, min_score=min_score))
    expected = textsim.most_similar(matrix[:50], matrix, k=k, min_score=min_score)
    np.testing.assert_array_equal(indices, expected[0])
    np.testing.assert_array_equal(scores, expected[1])


# Near-copies (a word added), exact copies and many copies of one document, spread over blocks.
DUPLICATED = DOCS[:300] + [d + " extra" for d in DOCS[:40]] + DOCS[:20] + [DOCS[5]] * 30


@pytest.mark.parametrize("min_score, algorithm", [(0.2, "auto"), (0.6, "pruned"), (0.9, "full")])
def test_similar_pairs_and_near_duplicates_over_tiles_equal_one_machine(client, min_score, algorithm):
    vectorizer = textsim.TfidfVectorizer().fit(DUPLICATED)
    matrix = vectorizer.transform(DUPLICATED)
    blocks = tsd.transform(vectorizer, as_bag(DUPLICATED, partitions=5))
    pairs = tsd.similar_pairs(blocks, min_score=min_score, algorithm=algorithm).compute()
    assert_same_matrix(pairs, textsim.similar_pairs(matrix, min_score=min_score))
    queries = tsd.transform(vectorizer, as_bag(DUPLICATED[:60], partitions=2))
    across = tsd.similar_pairs(queries, blocks, min_score=min_score, algorithm=algorithm).compute()
    assert_same_matrix(across, textsim.similar_pairs(matrix[:60], matrix, min_score=min_score))
    labels = tsd.near_duplicates(blocks, min_score=min_score, algorithm=algorithm)
    expected = textsim.near_duplicates(matrix, min_score=min_score)
    np.testing.assert_array_equal(labels, expected)
    assert len(set(expected[-30:])) == 1  # the copies of one document: one group


def test_reads_parquet_csv_and_json_with_dasks_readers(client, tmp_path):
    frame = pd.DataFrame({"id": range(len(DOCS)), "text": DOCS})
    for i, start in enumerate(range(0, len(frame), 200)):
        part = frame.iloc[start : start + 200]
        part.to_parquet(tmp_path / f"part{i}.parquet")
        part.to_csv(tmp_path / f"part{i}.csv", index=False)
        with open(tmp_path / f"part{i}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in part.to_dict("records"))
    expected = textsim.TfidfVectorizer(min_df=2).fit(DOCS)
    collections = [
        dd.read_parquet(str(tmp_path / "*.parquet"))["text"],
        dd.read_csv(str(tmp_path / "*.csv"), keep_default_na=False)["text"],
        db.read_text(str(tmp_path / "*.jsonl")).map(json.loads).pluck("text"),
        dd.read_json(str(tmp_path / "*.jsonl"), lines=True)["text"],
    ]
    for collection in collections:
        fitted = tsd.fit(textsim.TfidfVectorizer(min_df=2), collection)
        assert fitted.vocabulary_ == expected.vocabulary_
        np.testing.assert_array_equal(fitted.idf_, expected.idf_)
    assert_same_matrix(tsd.transform(expected, collections[0]).compute(), expected.transform(DOCS))


def _die_once(marker, partition):
    """Kills this worker process the first time any task runs it (the marker records the
    process); the task Dask runs again finds the marker and goes on."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return partition
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os._exit(1)


def assert_a_worker_was_killed(client, marker):
    with open(marker) as fh:
        killed = int(fh.read())
    # Not waiting for the nanny's replacement worker: on a loaded machine it can take minutes
    # to start, and the computation has already finished on the others.
    assert killed not in client.run(os.getpid).values()


def test_a_worker_killed_mid_fit_and_mid_transform_is_retried(client, tmp_path):
    expected = textsim.TfidfVectorizer(min_df=2).fit(DOCS)
    marker = str(tmp_path / "killed-fit")
    bag = as_bag(DOCS).map_partitions(lambda p: _die_once(marker, list(p)))
    fitted = tsd.fit(textsim.TfidfVectorizer(min_df=2), bag)
    assert_a_worker_was_killed(client, marker)
    assert fitted.vocabulary_ == expected.vocabulary_
    np.testing.assert_array_equal(fitted.idf_, expected.idf_)

    marker = str(tmp_path / "killed-transform")
    bag = as_bag(DOCS).map_partitions(lambda p: _die_once(marker, list(p)))
    matrix = tsd.transform(fitted, bag).compute()
    assert_a_worker_was_killed(client, marker)
    assert_same_matrix(matrix, expected.transform(DOCS))


def test_a_worker_killed_mid_most_similar_is_retried(client, tmp_path):
    vectorizer = textsim.TfidfVectorizer().fit(DOCS)
    marker = str(tmp_path / "killed-similar")
    blocks = tsd.transform(vectorizer, as_bag(DOCS, partitions=4))
    blocks = blocks.map_blocks(lambda b: _die_once(marker, b), dtype=blocks.dtype, meta=blocks._meta)
    indices, scores = dask.compute(*tsd.most_similar(blocks, k=4))
    assert_a_worker_was_killed(client, marker)
    expected = textsim.most_similar(vectorizer.transform(DOCS), k=4)
    np.testing.assert_array_equal(indices, expected[0])
    np.testing.assert_array_equal(scores, expected[1])


def test_a_worker_killed_mid_pairs_and_mid_groups_is_retried(client, tmp_path):
    vectorizer = textsim.TfidfVectorizer().fit(DUPLICATED)
    matrix = vectorizer.transform(DUPLICATED)
    blocks = tsd.transform(vectorizer, as_bag(DUPLICATED, partitions=4))
    for name, run, expected in [
        ("pairs", lambda b: tsd.similar_pairs(b, min_score=0.5).compute(),
         textsim.similar_pairs(matrix, min_score=0.5)),
        ("groups", lambda b: tsd.near_duplicates(b, min_score=0.5),
         textsim.near_duplicates(matrix, min_score=0.5)),
    ]:
        marker = str(tmp_path / f"killed-{name}")
        dying = blocks.map_blocks(lambda b, m=marker: _die_once(m, b), dtype=blocks.dtype,
                                  meta=blocks._meta)
        got = run(dying)
        assert_a_worker_was_killed(client, marker)
        if name == "pairs":
            assert_same_matrix(got, expected)
        else:
            np.testing.assert_array_equal(got, expected)


def test_a_client_on_threads_and_no_client_at_all(client):
    expected = textsim.TfidfVectorizer().fit(DOCS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        threads = distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
            dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,
        )
    try:
        with distributed.Client(threads) as on_threads:
            fitted = tsd.fit(textsim.TfidfVectorizer(), as_bag(DOCS), split_every=3)
            assert on_threads.scheduler_info()["workers"]
            indices, _ = dask.compute(*tsd.most_similar(tsd.transform(fitted, as_bag(DOCS))))
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            threads.close()
    assert fitted.vocabulary_ == expected.vocabulary_
    np.testing.assert_array_equal(indices, textsim.most_similar(expected.transform(DOCS))[0])
    with dask.config.set(scheduler="sync"):
        X = tsd.transform(fitted, as_bag(DOCS))
        assert_same_matrix(X.compute(), expected.transform(DOCS))


def test_wrong_collections_and_arguments(client):
    vectorizer = textsim.TfidfVectorizer().fit(DOCS)
    with pytest.raises(TypeError, match="dask.bag"):
        tsd.fit(textsim.TfidfVectorizer(), DOCS)
    frame = dd.from_pandas(pd.DataFrame({"a": ["x"], "b": ["y"]}), npartitions=1)
    with pytest.raises(textsim.ParameterError, match="one column"):
        tsd.fit(textsim.TfidfVectorizer(), frame)
    blocks = tsd.transform(vectorizer, as_bag(DOCS))
    with pytest.raises(textsim.ParameterError, match="k:"):
        tsd.most_similar(blocks, k=0)
    with pytest.raises(TypeError, match="2-d dask array"):
        tsd.most_similar(vectorizer.transform(DOCS))


def misaligned(array):
    """A copy of ``array`` at an odd address, as arrays unpickled from a network frame can be."""
    buffer = bytearray(array.nbytes + 1)
    copy = np.frombuffer(buffer, dtype=array.dtype, count=array.size, offset=1)
    copy[:] = array
    assert not copy.flags.aligned
    return copy


def test_arrays_from_network_buffers_may_be_misaligned():
    vectorizer = textsim.TfidfVectorizer().fit(DOCS)
    matrix = vectorizer.transform(DOCS)
    vectorizer._tfidf.idf_ = misaligned(vectorizer.idf_)
    assert_same_matrix(vectorizer.transform(DOCS), matrix)
    import scipy.sparse as sp

    odd = sp.csr_matrix((misaligned(matrix.data), matrix.indices, matrix.indptr), shape=matrix.shape)
    np.testing.assert_array_equal(textsim.most_similar(odd, k=3)[1], textsim.most_similar(matrix, k=3)[1])


def test_the_fitted_vectorizer_is_in_the_graph_once():
    vectorizer = textsim.TfidfVectorizer().fit(DOCS)
    bag = as_bag(DOCS, partitions=6)
    pickled = len(cloudpickle.dumps(vectorizer))
    added = len(cloudpickle.dumps(dict(tsd.transform(vectorizer, bag).__dask_graph__()))) - len(
        cloudpickle.dumps(dict(bag.__dask_graph__()))
    )
    assert pickled <= added < 2 * pickled


@pytest.mark.parametrize("bad, error", [(None, ValueError), (5, TypeError)])
def test_item13_a_bad_document_is_named_by_its_number_in_the_whole_collection(client, bad, error):
    # issue 13: the error named the document by its place within its partition
    docs = [f"good document number {i}" for i in range(10)]
    docs[7] = bad
    bag = db.from_sequence(docs, npartitions=3)  # partitions of 4, 4, 2: document 7 is 3rd of 2nd
    with pytest.raises(error, match=r"\bdocument 7\b") as raised:
        tsd.fit(textsim.TfidfVectorizer(), bag)
    assert raised.value.document == 7
    if bad is not None:
        return  # Dask turns a Series' numbers into strings
    pd = pytest.importorskip("pandas")
    series = dd.from_pandas(pd.Series(docs, dtype=object), npartitions=3)
    with pytest.raises(error, match=r"\bdocument 7\b"):
        tsd.stats(textsim.CountVectorizer(), series)


@pytest.mark.parametrize("bad, error", [(None, ValueError), (5, TypeError)])
def test_item13_transform_names_a_bad_document_globally_or_by_its_partition(client, bad, error):
    # issue 13: transform named the document by its place within its partition, silently
    docs = [f"good document number {i}" for i in range(10)]
    vectorizer = textsim.TfidfVectorizer().fit(docs)
    docs[7] = bad
    # a dask array's chunk sizes are known: the number in the whole collection
    array = da.from_array(np.array(docs, dtype=object), chunks=4)
    with pytest.raises(error, match=r"\bdocument 7\b") as raised:
        tsd.transform(vectorizer, array).compute()
    assert raised.value.document == 7
    # a bag's are not: the number within the partition, and the partition, both said
    bag = db.from_sequence(docs, npartitions=3)  # partitions of 4, 4, 2: document 7 is 3rd of 2nd
    with pytest.raises(error, match=r"document 3 of partition 1, counted within") as raised:
        tsd.transform(vectorizer, bag).compute()
    assert (raised.value.document, raised.value.partition) == (3, 1)
