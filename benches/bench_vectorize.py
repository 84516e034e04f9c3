"""Vectorizer benchmark: textsim's TfidfVectorizer against scikit-learn's, same data, one run.

On each data set, with default parameters on both sides:

1. ``TfidfVectorizer().fit_transform(docs)`` and ``.transform(docs)``: best-of-N wall time of
   textsim (all cores, and one thread) and of scikit-learn, and the ratio sklearn / textsim;
2. the peak memory of ``fit_transform``: each contender runs in a fresh Python process (this
   script again, with a hidden flag) that imports its library, loads the data, then records
   its resident memory, runs ``fit_transform`` and reads the peak resident memory (``VmHWM``,
   reset just before, on Linux; ``ru_maxrss`` elsewhere); the difference is the peak the fit
   added on top of the loaded documents, comparable between the two;
3. the vocabulary size of each (scikit-learn's differs on Bengali because its ``\\w`` leaves
   out vowel signs and virama and cuts words into fragments; on English they must agree);
4. on Bengali, the size of what ``fit_transform`` returns (the CSR matrix's three arrays plus
   the vocabulary's UTF-8 bytes) and the peak it added as a multiple of that;
5. on Bengali, the Rust tokenize-only path (``Tokenizer.count_tokens``: decoding, normalizing,
   folding, lowercasing and scanning, no Python object per token) in MB/s per core, on one
   thread and on all of them.

Two scikit-learn contenders: its defaults (which cut Bengali words apart), and on Bengali
scikit-learn set up as a careful user would (NFC, lowercasing, a token pattern with the Bengali
block), which does the same job as textsim.

Data sets: (a) Bengali blog posts, the first --mb (22.5) MB of UTF-8 of
../shared/corpora/bangla_blogs.jsonl.gz; (b) English, all of
../shared/corpora/english_bbc_news.jsonl.gz; (c) with --big-mb N, a bigger Bengali slice, or
with --corpus all the whole blog corpus (459 MB, 41,266 posts: minutes per contender, so
--repeat 1 or 2 there). --only all runs (c) alone. A missing corpus is replaced by generated
text, and the output says so.

Usage: python benches/bench_vectorize.py [--bengali PATH] [--english PATH] [--mb 22.5]
       [--big-mb MB | --corpus all] [--only all] [--repeat 3] [--no-sklearn] [--no-memory]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
DEFAULT_BENGALI = CORPORA / "bangla_blogs.jsonl.gz"
DEFAULT_ENGLISH = CORPORA / "english_bbc_news.jsonl.gz"

BENGALI_WORDS = ["রাশিয়ার", "রাষ্ট্রপতি", "ভ্লাদিমির", "পুতিন", "উত্তর", "কোরিয়ার", "সঙ্গে", "বৈঠক",
                 "করেছেন।", "২০২৫", "নির্বাচন", "সরকারের", "মন্ত্রী", "বাংলাদেশ", "ঢাকা"]
ENGLISH_WORDS = ["the", "market", "shares", "rose", "government", "said", "on", "Tuesday", "film",
                 "award", "minister", "growth", "of", "and", "2005", "economy", "players", "win"]


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def load_documents(path: Path, megabytes: float, language: str) -> tuple[list[str], str]:
    """The first documents of a JSON Lines corpus up to ``megabytes`` of UTF-8 (inf: all)."""
    limit = megabytes * 1e6
    if path.exists():
        docs, size = [], 0
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                text = json.loads(line)["text"]
                docs.append(text)
                size += len(text.encode("utf-8"))
                if size >= limit:
                    break
        what = "all" if math.isinf(megabytes) else "first"
        return docs, f"{path.name}, {what} {len(docs):,} documents"
    # fallback: generated text with a Zipf-like vocabulary so that the vocabulary is not tiny
    rng = random.Random(0)
    base = BENGALI_WORDS if language == "bn" else ENGLISH_WORDS
    vocabulary = base + [f"{rng.choice(base)}{i}" for i in range(50_000)]
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    docs, size = [], 0
    limit = min(limit, 20e6)
    while size < limit:
        text = " ".join(rng.choices(vocabulary, weights, k=800))
        docs.append(text)
        size += len(text.encode("utf-8"))
    return docs, f"GENERATED text ({path} not found: numbers are not comparable)"


def datasets(args: argparse.Namespace) -> list[tuple[str, Path, float, str]]:
    """(label, path, megabytes, language) of each data set of this run."""
    sets = [
        (f"(a) Bengali blogs, {args.mb:g} MB", args.bengali, args.mb, "bn"),
        ("(b) English BBC news, all", args.english, math.inf, "en"),
    ]
    if args.corpus == "all":
        sets.append(("(c) Bengali blogs, the whole corpus", args.bengali, math.inf, "bn"))
    elif args.big_mb:
        sets.append((f"(c) Bengali blogs, {args.big_mb:g} MB", args.bengali, args.big_mb, "bn"))
    if args.only == "all":
        sets = sets[2:]
    return sets


# ---------------------------------------------------------------------------------------------
# the contenders
# ---------------------------------------------------------------------------------------------


def _nfc_lower(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text).lower()


def make_vectorizer(contender: str):
    """A TfidfVectorizer: "textsim" (all cores), "textsim-1" (one thread), "sklearn" (its
    defaults, which cut Bengali words apart), "sklearn-bn" (scikit-learn set up as a careful
    user would for Bengali: NFC, lowercasing and the `regex` module's \\w, or without `regex` a
    token pattern that includes the Bengali block, so that it does the same job as textsim)."""
    if contender == "sklearn":
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer()
    if contender == "sklearn-bn":
        from sklearn.feature_extraction.text import TfidfVectorizer

        try:
            # The `regex` module's \w is Unicode's word characters, marks (vowel signs, virama)
            # and joiners included: Bengali words stay whole.
            import regex

            return TfidfVectorizer(
                preprocessor=_nfc_lower, tokenizer=regex.compile(r"\w\w+").findall,
                token_pattern=None,
            )
        except ImportError:
            return TfidfVectorizer(
                preprocessor=_nfc_lower, token_pattern=r"[\w\u0980-\u09FF\u200c\u200d]{2,}"
            )
    import textsim

    n_jobs = 1 if contender == "textsim-1" else (os.cpu_count() or 1)
    return textsim.TfidfVectorizer(n_jobs=n_jobs)


def best_time(function, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def _proc_status(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


def start_memory_measurement() -> tuple[float, str]:
    """Frees what can be freed, resets the peak, and returns (current RSS in MB, method).

    On Linux: glibc's ``malloc_trim`` hands freed heap back (else memory freed while loading
    would be reused by the fit without showing), then writing ``5`` to
    ``/proc/self/clear_refs`` resets the peak (``VmHWM``) to the current RSS. Elsewhere (or
    if that is refused) the baseline is ``getrusage().ru_maxrss``, the peak so far. Note that
    Linux keeps ``ru_maxrss`` across fork and exec (a child of a big parent reports the
    parent's peak), which is why it is not used on Linux.
    """
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        rss = _proc_status("VmRSS")
        if rss is not None and _proc_status("VmHWM") is not None:
            return rss, "VmHWM"
    except OSError:
        pass
    return peak_rss_mb("ru_maxrss"), "ru_maxrss"


def peak_rss_mb(method: str) -> float:
    """The peak resident memory of this process in MB, read by ``method``."""
    if method == "VmHWM":
        peak = _proc_status("VmHWM")
        assert peak is not None
        return peak
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10  # bytes on macOS, else KiB


def child(spec: str) -> int:
    """Run in a fresh process: one fit_transform, report the peak memory it added, as JSON."""
    contender, path, megabytes, language = json.loads(spec)
    vectorizer = make_vectorizer(contender)  # imports the library before the baseline
    docs, _ = load_documents(Path(path), float(megabytes), language)
    baseline, how = start_memory_measurement()
    start = time.perf_counter()
    matrix = vectorizer.fit_transform(docs)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb(how)
    # What the call returned, counted after the peak is read: the matrix's arrays and the
    # vocabulary's terms (their UTF-8 bytes).
    matrix_mb = (matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes) / 2**20
    terms = vectorizer.get_feature_names_out()
    vocabulary_mb = sum(len(term.encode("utf-8")) for term in terms) / 2**20
    print(json.dumps({
        "baseline_mb": baseline, "peak_mb": peak, "added_mb": peak - baseline, "how": how,
        "seconds": seconds, "nnz": int(matrix.nnz), "vocabulary": len(terms),
        "matrix_mb": matrix_mb, "vocabulary_mb": vocabulary_mb,
    }))
    return 0


def measure_memory(contender: str, path: Path, megabytes: float, language: str) -> dict:
    size = "inf" if math.isinf(megabytes) else megabytes
    spec = json.dumps([contender, str(path), size, language])
    result = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", spec],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{contender} child process failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------


def bench_dataset(label: str, path: Path, megabytes: float, language: str,
                  args: argparse.Namespace) -> dict:
    docs, source = load_documents(path, megabytes, language)
    size = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"\n{label}")
    print(f"data: {source}: {size:.1f} MB of UTF-8, {len(docs):,} documents")

    peers = [] if args.no_sklearn else ["sklearn"] + (["sklearn-bn"] if language == "bn" else [])
    contenders = ["textsim", "textsim-1"] + peers
    fitted: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    fit_s: dict[str, float] = {}
    transform_s: dict[str, float] = {}
    for contender in contenders:
        vectorizer = make_vectorizer(contender)
        fit_s[contender], outputs[contender] = best_time(
            lambda v=vectorizer: v.fit_transform(docs), args.repeat
        )
        transform_s[contender], _ = best_time(lambda v=vectorizer: v.transform(docs), args.repeat)
        fitted[contender] = vectorizer

    cores = os.cpu_count() or 1
    names = {"textsim": f"textsim ({cores} threads)", "textsim-1": "textsim (1 thread)",
             "sklearn": "scikit-learn", "sklearn-bn": "scikit-learn, Bengali-aware"}
    print(f"{'':26} {'fit_transform':>14} {'transform':>12}  {'vocabulary':>10} {'nnz':>12}")
    for contender in contenders:
        print(f"{names[contender]:26} {fit_s[contender]:12.3f} s {transform_s[contender]:10.3f} s"
              f"  {len(fitted[contender].vocabulary_):>10,} {outputs[contender].nnz:>12,}")
    print(f"textsim {cores} threads vs 1 thread: fit_transform "
          f"{fit_s['textsim-1'] / fit_s['textsim']:.2f}x, transform "
          f"{transform_s['textsim-1'] / transform_s['textsim']:.2f}x")

    summary = {"label": label, "cores": cores}
    if "sklearn" in contenders:
        fit_ratio = fit_s["sklearn"] / fit_s["textsim"]
        transform_ratio = transform_s["sklearn"] / transform_s["textsim"]
        summary.update(fit_ratio=fit_ratio, transform_ratio=transform_ratio)
        print(f"sklearn / textsim wall time: fit_transform {fit_ratio:.1f}x, transform "
              f"{transform_ratio:.1f}x (1 thread: {fit_s['sklearn'] / fit_s['textsim-1']:.1f}x, "
              f"{transform_s['sklearn'] / transform_s['textsim-1']:.1f}x)")
        ts_vocab, sk_vocab = fitted["textsim"].vocabulary_, fitted["sklearn"].vocabulary_
        if ts_vocab == sk_vocab:
            difference = abs(outputs["textsim"] - outputs["sklearn"]).max()
            print(f"vocabularies: identical ({len(ts_vocab):,} terms); "
                  f"max |textsim - sklearn| = {difference:.2e}")
        else:
            shared = len(ts_vocab.keys() & sk_vocab.keys())
            note = (" (scikit-learn's \\w leaves out vowel signs and virama: it cuts Bengali "
                    "words into fragments)" if language == "bn" else "")
            print(f"vocabularies differ: textsim {len(ts_vocab):,}, scikit-learn "
                  f"{len(sk_vocab):,}, {shared:,} shared{note}")
    if "sklearn-bn" in contenders:
        bn_fit = fit_s["sklearn-bn"] / fit_s["textsim"]
        bn_transform = transform_s["sklearn-bn"] / transform_s["textsim"]
        summary.update(fit_ratio_bn=bn_fit)
        shared = len(fitted["textsim"].vocabulary_.keys() & fitted["sklearn-bn"].vocabulary_.keys())
        print(f"Bengali-aware scikit-learn / textsim wall time: fit_transform {bn_fit:.1f}x, "
              f"transform {bn_transform:.1f}x; vocabulary {len(fitted['sklearn-bn'].vocabulary_):,} "
              f"terms, {shared:,} shared with textsim's")
    del fitted, outputs
    gc.collect()

    if language == "bn":
        import textsim

        per_core = {}
        for threads in sorted({1, cores}):
            tokenizer = textsim.Tokenizer(n_jobs=threads)
            seconds, _ = best_time(lambda t=tokenizer: t.count_tokens(docs), args.repeat)
            per_core[threads] = size / seconds / threads
        summary.update(tokenize_per_core=per_core[1])
        print("Rust tokenize-only path (Tokenizer.count_tokens): " + ", ".join(
            f"{rate:.0f} MB/s per core on {threads} thread{'s' if threads > 1 else ''}"
            for threads, rate in per_core.items()))

    if not args.no_memory:
        print("peak memory added by fit_transform (a fresh process each: peak RSS during "
              "fit_transform minus RSS with the data loaded):")
        memory = {}
        for contender in ["textsim"] + peers:
            memory[contender] = measure_memory(contender, path, megabytes, language)
            m = memory[contender]
            print(f"   {names[contender]:28} {m['added_mb']:8.1f} MB  "
                  f"(process peak {m['peak_mb']:.0f} MB, data loaded {m['baseline_mb']:.0f} MB; "
                  f"{m['how']}; {m['seconds']:.2f} s)")
        returned = memory["textsim"]["matrix_mb"] + memory["textsim"]["vocabulary_mb"]
        added_ratio = memory["textsim"]["added_mb"] / max(returned, 1e-9)
        summary.update(memory_vs_returned=added_ratio)
        print(f"   textsim returned {memory['textsim']['matrix_mb']:.1f} MB of matrix + "
              f"{memory['textsim']['vocabulary_mb']:.1f} MB of vocabulary; the peak it added is "
              f"{added_ratio:.2f}x that")
        if "sklearn" in memory:
            ratio = memory["sklearn"]["added_mb"] / max(memory["textsim"]["added_mb"], 1e-9)
            summary.update(memory_ts=memory["textsim"]["added_mb"],
                           memory_sk=memory["sklearn"]["added_mb"], memory_ratio=ratio)
            print(f"   sklearn / textsim peak memory: {ratio:.2f}x")
        if "sklearn-bn" in memory:
            ratio = memory["sklearn-bn"]["added_mb"] / max(memory["textsim"]["added_mb"], 1e-9)
            summary.update(memory_sk_bn=memory["sklearn-bn"]["added_mb"])
            print(f"   Bengali-aware sklearn / textsim peak memory: {ratio:.2f}x")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bengali", type=Path,
                        default=Path(os.environ.get("TEXTSIM_BLOGS", DEFAULT_BENGALI)))
    parser.add_argument("--english", type=Path,
                        default=Path(os.environ.get("TEXTSIM_BBC", DEFAULT_ENGLISH)))
    parser.add_argument("--mb", type=float, default=22.5,
                        help="megabytes of Bengali UTF-8 text (a)")
    parser.add_argument("--big-mb", type=float, default=0, help="also a bigger Bengali slice (c)")
    parser.add_argument("--corpus", choices=["slice", "all"], default="slice",
                        help="all: (c) is the whole Bengali blog corpus")
    parser.add_argument("--only", choices=["all"], help="all: only the bigger set (c)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory processes")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    import textsim

    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores (os.cpu_count()); textsim {textsim.__version__}", end="")
    try:
        import sklearn

        print(f", scikit-learn {sklearn.__version__}", end="")
    except ImportError:
        args.no_sklearn = True
        print(", scikit-learn not installed (skipped)", end="")
    print(f"; best of {args.repeat} runs; default parameters on both sides")

    summaries = [bench_dataset(*spec, args) for spec in datasets(args)]

    if not args.no_sklearn:
        print(f"\ntargets (issue 17), {cores} cores: fit_transform >= 5x scikit-learn's defaults "
              "and >= 12x scikit-learn set up for Bengali; English >= 15x; tokenize-only >= 300 "
              "MB/s per core; peak added <= 1.5x (matrix + vocabulary)")
        for s in summaries:
            goal = 15 if "English" in s["label"] else 5
            speed = "met" if s["fit_ratio"] >= goal else "NOT met"
            line = f"   {s['label']}: {s['fit_ratio']:.1f}x ({speed})"
            if "tokenize_per_core" in s:
                rate = s["tokenize_per_core"]
                line += f"; tokenize {rate:.0f} MB/s/core ({'met' if rate >= 300 else 'NOT met'})"
            if "memory_vs_returned" in s:
                ratio = s["memory_vs_returned"]
                line += f"; peak added {ratio:.2f}x returned ({'met' if ratio <= 1.5 else 'NOT met'})"
            if "memory_ratio" in s:
                memory = "met" if s["memory_ts"] <= s["memory_sk"] else "NOT met"
                line += (f"; memory {s['memory_ts']:.0f} MB vs {s['memory_sk']:.0f} MB ({memory})")
            if "fit_ratio_bn" in s:
                speed = "met" if s["fit_ratio_bn"] >= 12 else "NOT met"
                line += f"; against Bengali-aware scikit-learn {s['fit_ratio_bn']:.1f}x ({speed})"
                if "memory_sk_bn" in s:
                    memory = "met" if s["memory_ts"] <= s["memory_sk_bn"] else "NOT met"
                    line += f", memory {s['memory_ts']:.0f} MB vs {s['memory_sk_bn']:.0f} MB ({memory})"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
