"""The ``textsim`` command (also ``python -m textsim``): which of these articles belong together.

    textsim similar [PATH ...] [--top K] [--min-score S] [--format table|csv|jsonl]
    textsim duplicates [PATH ...] [--min-score S]
    textsim stories [PATH ...] [--min-score S] [--linkage average|complete|single]
    textsim query "text" [PATH ...] [--top K]
    textsim tokenize [TEXT]

With no PATH the commands run on the bundled demo corpus (``textsim.datasets.load_bangla_news``);
with no command at all, ``similar`` runs. A user's mistake (a missing file, an unreadable
encoding, an unknown field, nothing to compare) is one line on standard error and exit status 1;
a malformed command line is argparse's usage message and status 2. ``TEXTSIM_DEBUG=1`` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from textsim import _output
from textsim._count_vectorizer import CountVectorizer
from textsim._exceptions import TextsimError
from textsim._index import SimilarityIndex
from textsim._readers import MISSING, Fields, InputError, read_articles, read_stdin_text
from textsim._params import BUILT_IN_STOP_LISTS
from textsim._similarity import cosine_similarity, most_similar, near_duplicates
from textsim._stop_words import stop_words as combined_stop_words
from textsim._stories import LINKAGES, group_articles
from textsim._version import __version__
from textsim.datasets import Article, load_bangla_news

COMMANDS = ("similar", "duplicates", "stories", "query", "tokenize")
# Exit statuses: 1 for a problem with the data or options, 2 (argparse's) for bad usage.
EXIT_INPUT = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Options that do not go together."""


def _ngram(value: str) -> tuple[int, int]:
    """``2`` -> (2, 2); ``1,2`` or ``1-2`` -> (1, 2)."""
    parts = value.replace("-", ",").split(",")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or MIN,MAX (e.g. 1,2), got {value!r}") from None
    if len(numbers) == 1:
        numbers *= 2
    if len(numbers) != 2 or not 1 <= numbers[0] <= numbers[1]:
        raise argparse.ArgumentTypeError(f"expected N or MIN,MAX with 1 <= MIN <= MAX, got {value!r}")
    return numbers[0], numbers[1]


def _df(value: str) -> int | float:
    """scikit-learn's rule: an integer is a count of documents, a fraction a proportion."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a count (2) or a fraction (0.5), got {value!r}") from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {value!r}")
    return number


def _stop_lists(value: str) -> list[str]:
    """``english``, ``bengali`` or ``english,bengali``: built-in lists to drop."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BUILT_IN_STOP_LISTS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected english, bengali or english,bengali, got {value!r}"
        )
    return names


def _stop_words_param(lists: list[list[str]] | None) -> Any:
    """The lists given (``--stop-words`` may be repeated, each a comma-separated list) as
    ``stop_words``: one list's name, or the union of several."""
    if not lists:
        return None
    names = sorted({name for group in lists for name in group}, key=BUILT_IN_STOP_LISTS.index)
    return names[0] if len(names) == 1 else combined_stop_words(*names)


def _vectorizer_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("vectorizer (TfidfVectorizer's parameters)")
    group.add_argument("--ngram", type=_ngram, default=(1, 1), metavar="MIN,MAX",
                       help="n-gram lengths, e.g. 1,2 for words and word pairs (default 1)")
    group.add_argument("--analyzer", choices=["word", "char", "char_wb"], default="word",
                       help="features from words (default) or character n-grams")
    group.add_argument("--min-df", type=_df, default=1, metavar="N|F",
                       help="ignore terms in fewer documents (a count, or a fraction); default 1")
    group.add_argument("--max-df", type=_df, default=1.0, metavar="N|F",
                       help="ignore terms in more documents (a count, or a fraction); default 1.0")
    group.add_argument("--max-features", type=_positive, default=None, metavar="N",
                       help="keep only the N most frequent terms")
    group.add_argument("--stop-words", type=_stop_lists, action="append", default=None,
                       metavar="english|bengali|english,bengali",
                       help="drop built-in lists of function words (mixed-language news: "
                       "english,bengali; the option may be repeated)")
    group.add_argument("--clean-scraped", action="store_true",
                       help="take HTML tags, &entities;, URLs and [ad_1] markers out first")
    group.add_argument("--stemmer", choices=["bengali"], default=None,
                       help="take common inflections off Bengali words (সোনার -> সোনা)")
    group.add_argument("--fold-digits", action="store_true", help="২০২৫ and 2025 become one token")
    group.add_argument("--no-lowercase", dest="lowercase", action="store_false",
                       help="keep upper and lower case apart")
    group.add_argument("--sublinear-tf", action="store_true", help="tf becomes 1 + log(tf)")
    group.add_argument("--token-pattern", default=None, metavar="REGEX",
                       help=r"what a token is (default scikit-learn's (?u)\b\w\w+\b, Unicode-correct)")


def _input_options(parser: argparse.ArgumentParser, with_paths: bool = True) -> None:
    if with_paths:
        parser.add_argument(
            "paths", nargs="*", metavar="PATH",
            help="folders of .txt files (searched recursively), .txt, .jsonl, .json, .csv or "
            ".parquet files, optionally .gz; '-': standard input (JSON Lines, or text); none: "
            "the bundled Bengali news sample",
        )
    group = parser.add_argument_group("input")
    group.add_argument("--text-field", "--text-column", dest="text_field", default="text",
                       metavar="NAME", help="JSON field or CSV/Parquet column of the text (default text)")
    group.add_argument("--title-field", "--title-column", dest="title_field", default=None,
                       metavar="NAME", help="field or column of the title (default title, if there)")
    group.add_argument("--id-field", "--id-column", dest="id_field", default=None,
                       metavar="NAME", help="field or column of the id (default id, if there)")
    group.add_argument("--encoding", default="utf-8", help="of the files (default utf-8)")
    group.add_argument("--lines", action="store_true",
                       help=".txt files (and text on standard input) hold one article per line")
    group.add_argument("--missing", choices=list(MISSING), default="error",
                       help="a record without text (null, empty cell): error (default), skip "
                       "it, or keep it as an empty article")
    group.add_argument("--index", default=None, metavar="FILE",
                       help="use an index saved with --save-index instead of reading PATHs")
    group.add_argument("--save-index", default=None, metavar="FILE",
                       help="save the fitted index (vectorizer, vectors, ids, titles) to FILE")
    run = parser.add_argument_group("running")
    run.add_argument("--jobs", type=int, default=None, metavar="N", help="threads (default: all cores)")
    bar = run.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_const", const=True, default=None,
                     help="always show a progress bar (needs tqdm)")
    bar.add_argument("--no-progress", dest="progress", action="store_const", const=False,
                     help="never show one (default: shown for large inputs on a terminal)")
    _vectorizer_options(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textsim",
        description="Which of these articles belong together? Unicode-correct TF-IDF and cosine "
        "similarity (Bengali first). With no command: 'similar' on the bundled sample.",
        epilog="Exit status: 0 done, 1 a problem with the input or options, 2 bad usage.",
    )
    parser.add_argument("--version", action="version", version=f"textsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    similar = commands.add_parser("similar", help="each article's most similar others",
                                  description="For every article, its most similar others.")
    _input_options(similar)
    similar.add_argument("--top", type=_positive, default=3, metavar="K",
                         help="neighbours per article (default 3)")
    similar.add_argument("--min-score", type=float, default=None, metavar="S",
                         help="only neighbours with cosine >= S (default: above 0)")
    similar.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")

    duplicates = commands.add_parser("duplicates", help="groups of near-duplicate articles",
                                     description="Groups of articles joined by cosine >= S.")
    _input_options(duplicates)
    duplicates.add_argument("--min-score", type=float, default=0.9, metavar="S",
                            help="cosine that makes two articles near-duplicates (default 0.9)")
    duplicates.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")

    stories = commands.add_parser(
        "stories", help="groups of articles on one story",
        description="Groups of articles on one story: average linkage over the pairs with "
        "cosine >= S (two groups merge when their articles are alike on average, so a chain "
        "of pairs does not glue stories together). Try --stop-words english,bengali for "
        "mixed-language news.")
    _input_options(stories)
    stories.add_argument("--min-score", type=float, default=0.3, metavar="S",
                         help="mean cosine at which groups merge (default 0.3)")
    stories.add_argument("--linkage", choices=list(LINKAGES), default="average",
                         help="average (default), complete (every pair >= S) or single "
                         "(any chain of pairs, as duplicates)")
    stories.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")

    query = commands.add_parser("query", help="the articles most related to a text",
                                description="The articles most related to a piece of text.")
    query.add_argument("text", help="the text to look for ('-': read it from standard input)")
    _input_options(query)
    query.add_argument("--top", type=_positive, default=10, metavar="K",
                       help="articles to show (default 10)")
    query.add_argument("--min-score", type=float, default=None, metavar="S",
                       help="only articles with cosine >= S (default: above 0)")
    query.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")

    tokenize = commands.add_parser("tokenize", help="the tokens of a text, per line",
                                   description="Prints, for each line of TEXT (or of standard "
                                   "input), its tokens on one line, separated by spaces.")
    tokenize.add_argument("text", nargs="?", default=None, metavar="TEXT",
                          help="the text (default: read standard input)")
    tokenize.add_argument("--jobs", type=int, default=None, metavar="N",
                          help="threads (default: all cores)")
    tokenize.add_argument("--encoding", default="utf-8",
                          help="of standard input (default utf-8)")
    _vectorizer_options(tokenize)
    for command in (similar, duplicates, stories, query, tokenize):
        # Errors about a command's options are reported with that command's usage.
        command.set_defaults(command_parser=command)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    """No command means ``similar``: ``textsim``, ``textsim --top 5``, ``textsim news/``."""
    if not argv:
        return ["similar"]
    first = argv[0]
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return argv
    if first.startswith("-") or os.path.exists(first):
        return ["similar", *argv]
    return argv


def _vectorizer_params(args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = dict(
        ngram_range=args.ngram, analyzer=args.analyzer, min_df=args.min_df, max_df=args.max_df,
        max_features=args.max_features, stop_words=_stop_words_param(args.stop_words),
        fold_digits=args.fold_digits, lowercase=args.lowercase,
    )
    if args.clean_scraped:
        params["clean_scraped"] = True
    if args.stemmer is not None:
        params["stemmer"] = args.stemmer
    if args.token_pattern is not None:
        params["token_pattern"] = args.token_pattern
    if getattr(args, "sublinear_tf", False):
        params["sublinear_tf"] = True
    if getattr(args, "jobs", None) is not None:
        params["n_jobs"] = args.jobs
    return params


def _changed_vectorizer_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    names = ("ngram", "analyzer", "min_df", "max_df", "max_features", "stop_words",
             "fold_digits", "lowercase", "sublinear_tf", "token_pattern", "clean_scraped",
             "stemmer", "text_field", "title_field", "id_field", "lines", "missing")
    return ["--" + n.replace("_", "-") for n in names if getattr(args, n) != parser.get_default(n)]


def _articles(args: argparse.Namespace) -> list[Article]:
    if not args.paths:
        # Said, so that `textsim duplicates $UNSET` does not pass the demo off as the answer.
        demo = load_bangla_news()
        if _ARGV:  # bare `textsim` is the demo, and says so in --help
            _NOTES.append(f"no PATH given: this was the bundled sample ({len(demo)} Bengali "
                          "news articles)")
        return demo
    fields = Fields(text=args.text_field, title=args.title_field, id=args.id_field,
                    missing=args.missing, lines=args.lines)
    articles = read_articles(args.paths, fields, args.encoding)
    if not articles:
        raise InputError(f"no articles in {', '.join(args.paths)}")
    return articles


def _index(args: argparse.Namespace, subparser: argparse.ArgumentParser) -> tuple[Any, list[Article]]:
    """The fitted index and its articles (ids and titles; texts only when read from files)."""
    if args.index is not None:
        if args.paths:
            raise UsageError("give PATHs or --index, not both")
        changed = _changed_vectorizer_options(subparser, args)
        if changed:
            raise UsageError(f"{', '.join(changed)}: not used with --index (the index has its own)")
        try:
            index = SimilarityIndex.load(args.index)
        except FileNotFoundError:
            raise InputError(f"{args.index}: no such file") from None
        except ValueError as error:  # names the file and the member
            raise InputError(str(error)) from None
        except OSError as error:
            raise InputError(f"{args.index}: cannot read the index ({error.strerror})") from None
        n = index.matrix_.shape[0]
        ids = getattr(index, "ids_", None) or [str(i) for i in range(n)]
        titles = getattr(index, "titles_", None) or [""] * n
        return index, [Article(id=i, title=t, text="") for i, t in zip(ids, titles)]
    articles = _articles(args)
    for flag, bound in (("--min-df", args.min_df), ("--max-df", args.max_df)):
        # A count above the corpus would get scikit-learn's message about max_df and min_df.
        if isinstance(bound, int) and bound > len(articles):
            raise InputError(
                f"{_typed(flag)} {bound}: more documents than the {len(articles):,} articles "
                "read; no term can be in that many"
            )
    index = SimilarityIndex(**_vectorizer_params(args))
    texts = [a.text for a in articles]
    titles = [_output.full_title(a) for a in articles]
    index.fit(texts, ids=[a.id for a in articles], titles=titles, progress=args.progress)
    if args.save_index is not None:
        try:
            index.save(args.save_index)
        except OSError as error:
            raise InputError(f"{args.save_index}: cannot write the index ({error.strerror})") from None
    return index, articles


def _check_min_score(value: float | None) -> None:
    if value is not None and not -1 <= value <= 1:
        raise InputError(f"{_typed('--min-score')}: expected a cosine in [-1, 1], got {value}")


def _similar(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    _check_min_score(args.min_score)
    index, articles = _index(args, parser)
    if len(articles) < 2:
        raise InputError(f"only {len(articles)} article: similar needs two or more")
    indices, scores = most_similar(
        index.matrix_, k=args.top, min_score=args.min_score, n_jobs=args.jobs, progress=args.progress
    )
    _output.similar(_output.utf8(sys.stdout), args.format, articles, indices, scores)


def _duplicates(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    if not 0 < args.min_score <= 1:
        raise InputError(f"{_typed('--min-score')}: expected a cosine in (0, 1], got {args.min_score}")
    index, articles = _index(args, parser)
    labels = near_duplicates(
        index.matrix_, min_score=args.min_score, n_jobs=args.jobs, progress=args.progress
    )
    members: dict[int, list[int]] = {}
    for row, group in enumerate(labels.tolist()):
        members.setdefault(group, []).append(row)
    groups = [rows for rows in members.values() if len(rows) > 1]
    # Each article's cosine with its group's first: how near a duplicate it is.
    scores = [
        cosine_similarity(index.matrix_[rows], index.matrix_[rows[:1]])[:, 0].tolist()
        for rows in groups
    ]
    _output.duplicates(_output.utf8(sys.stdout), args.format, articles, groups, args.min_score, scores)


def _stories(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    if not 0 < args.min_score <= 1:
        raise InputError(f"{_typed('--min-score')}: expected a cosine in (0, 1], got {args.min_score}")
    index, articles = _index(args, parser)
    groups = group_articles(
        index.matrix_, min_score=args.min_score, linkage=args.linkage, n_jobs=args.jobs,
        progress=args.progress,
    )
    _output.stories(_output.utf8(sys.stdout), args.format, articles, groups)


def _query(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    text = read_stdin_text(args.encoding) if args.text == "-" else args.text
    if not text.strip():
        raise InputError("the query text is empty")
    _check_min_score(args.min_score)
    index, articles = _index(args, parser)
    indices, scores = index.query([text], k=min(args.top, len(articles)), min_score=args.min_score,
                                  n_jobs=args.jobs)
    _output.query(_output.utf8(sys.stdout), args.format, articles, indices[0], scores[0])


def _tokenize(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    given = [
        _typed(flag) for flag, dest in (("--min-df", "min_df"), ("--max-df", "max_df"),
                                        ("--max-features", "max_features"),
                                        ("--sublinear-tf", "sublinear_tf"))
        if getattr(args, dest) != parser.get_default(dest)
    ]
    if given:
        raise UsageError(f"{', '.join(given)}: a vectorizer's option, not used by tokenize")
    params = _vectorizer_params(args)
    for unused in ("min_df", "max_df", "max_features", "sublinear_tf"):
        params.pop(unused, None)
    analyze = CountVectorizer(**params).build_analyzer()
    # An n-gram holds spaces, so features of more than one word are separated by tabs.
    separator = "\t" if args.ngram[1] > 1 or args.analyzer != "word" else " "
    text = args.text if args.text is not None else read_stdin_text(args.encoding)
    write = _output.utf8(sys.stdout).write
    for line in text.splitlines():
        write(separator.join(analyze(line)) + "\n")


RUN = {
    "similar": _similar,
    "duplicates": _duplicates,
    "stories": _stories,
    "query": _query,
    "tokenize": _tokenize,
}


#: The parameters whose errors name the command's flag for them.
_FLAGS = {
    "min_score": "--min-score",
    "min_df": "--min-df",
    "max_df": "--max-df",
    "max_features": "--max-features",
    "token_pattern": "--token-pattern",
    "ngram_range": "--ngram",
    "k": "--top",
}

#: The command line as given, to name a flag as the user typed it.
_ARGV: list[str] = []
#: Said on standard error after a command has succeeded (an error is one line alone).
_NOTES: list[str] = []


#: Flags with another spelling.
_ALIASES = {
    "--text-field": ("--text-field", "--text-column"),
    "--title-field": ("--title-field", "--title-column"),
    "--id-field": ("--id-field", "--id-column"),
}


def _typed(flag: str) -> str:
    """``flag`` as the user spelt it: one of its aliases (``--text-column`` for
    ``--text-field``), or an abbreviation argparse accepted (``--min-s``)."""
    for word in _ARGV:
        spelt = word.split("=", 1)[0]
        if spelt.startswith("--") and len(spelt) > 2:
            if any(alias.startswith(spelt) for alias in _ALIASES.get(flag, (flag,))):
                return spelt
    return flag


def _with_flags(message: str) -> str:
    """A parameter's name in an error message, as the flag that set it."""
    for flag in _ALIASES:
        if flag in message:
            return message.replace(flag, _typed(flag))
    for name, flag in _FLAGS.items():
        for spelt in (f"{name}:", f"'{name}'", f"{name}="):
            if message.startswith(spelt) or f" {spelt}" in message:
                message = message.replace(name, _typed(flag), 1)
                return message
    return message


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    _ARGV[:] = given
    _NOTES.clear()
    args = parser.parse_args(_with_default_command(given))
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    subparser = args.command_parser
    try:
        RUN[args.command](args, subparser)
        sys.stdout.flush()
        for note in _NOTES:
            print(f"textsim: {note}", file=sys.stderr)
    except BrokenPipeError:
        # `textsim similar | head`: the reader has all it wanted.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except UsageError as error:
        subparser.error(str(error))
    except (InputError, TextsimError, ValueError, ImportError, OSError) as error:
        if os.environ.get("TEXTSIM_DEBUG"):
            raise
        print(f"textsim: {_with_flags(_one_line(error))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    return 0


def _one_line(error: BaseException) -> str:
    message = " ".join(str(error).split())
    if isinstance(error, OSError) and error.filename is not None:
        message = f"{error.filename}: {error.strerror or message}"
    return message or type(error).__name__
