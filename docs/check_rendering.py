"""Checks that the built site shows Bengali as shaped text, not as boxes ("tofu"), in Chromium.

    python docs/check_rendering.py BUILD_DIR [--page bengali.html] [--screenshot FILE]

Serves BUILD_DIR on 127.0.0.1 and opens the page in headless Chromium (Debian's ``chromium``)
inside a harness page of the same size, which measures in the page itself, with the page's own
font:

* that the page's text contains the Bengali phrase (the DOM check);
* that a Bengali word is shaped: drawn as one word it is far narrower than its code points drawn
  one by one (conjuncts join, vowel signs and the virama attach to their letters; a lone vowel
  sign gets a dotted circle). Boxes for missing glyphs have the same width either way;
* where on the screen the phrase is; the screenshot of the page must have ink there.

Then it does the same with a font configuration that has no Bengali font (its screenshot beside
the other, ``*-no-bengali-font.png``), and requires that run to fail, so the check is known to tell shaped text from tofu on this machine. Exits non-zero,
saying why, when Bengali does not render shaped.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unicodedata
from pathlib import Path

PHRASE = "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন"  # "Russia's President Vladimir Putin"
WORD = "রাষ্ট্রপতি"  # two conjuncts (ষ্ট্র), a pre-base and a post-base vowel sign
WIDTH, HEIGHT = 1280, 1000
HARNESS = "__render_check__.html"
# Drawn as one word, a shaped Bengali word is at most this fraction of its code points' widths
# drawn one by one (measured: about 0.5 with Noto Sans Bengali; 1.0 for boxes).
SHAPED_RATIO = 0.8
# The phrase's box must have at least this fraction of pixels that are not the background.
MIN_INK = 0.03

HARNESS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  html, body {{ margin: 0; overflow: hidden; }}
  iframe {{ position: absolute; top: 0; left: 0; width: {width}px; height: {height}px; border: 0; }}
  #result {{ display: none; }}
</style></head><body>
<iframe id="page" src="{page}"></iframe>
<pre id="result">pending</pre>
<script>
const phrase = {phrase}, word = {word};
function measure() {{
  const doc = document.getElementById("page").contentDocument;
  const out = {{}};
  out.text_found = doc.body.innerText.normalize("NFC").includes(phrase);
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  let node = null;
  while (walker.nextNode()) {{
    const at = walker.currentNode.data.normalize("NFC").indexOf(phrase);
    if (at >= 0 && walker.currentNode.data === walker.currentNode.data.normalize("NFC")) {{
      node = walker.currentNode; break;
    }}
  }}
  if (node === null) {{ out.error = "no text node holds the phrase"; return out; }}
  const start = node.data.indexOf(phrase);
  const range = doc.createRange();
  range.setStart(node, start); range.setEnd(node, start + phrase.length);
  const box = range.getBoundingClientRect();
  out.box = [box.left, box.top, box.right, box.bottom];
  const style = doc.defaultView.getComputedStyle(node.parentElement);
  out.font = style.font;
  function width(text) {{
    const span = doc.createElement("span");
    span.style.font = style.font; span.style.whiteSpace = "pre";
    span.style.position = "absolute"; span.style.visibility = "hidden";
    span.textContent = text; doc.body.appendChild(span);
    const w = span.getBoundingClientRect().width; span.remove(); return w;
  }}
  out.word_width = width(word);
  out.code_points_width = Array.from(word).reduce((sum, c) => sum + width(c), 0);
  return out;
}}
document.getElementById("page").addEventListener("load", () => {{
  document.fonts.ready.then(() => {{
    const doc = document.getElementById("page").contentDocument;
    return doc.fonts.ready;
  }}).then(() => {{
    let out;
    try {{ out = measure(); }} catch (e) {{ out = {{error: String(e)}}; }}
    document.getElementById("result").textContent = JSON.stringify(out);
  }});
}});
</script></body></html>
"""


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no Chromium found: apt-get install -y chromium")


def chromium(url: str, *extra: str, env: dict[str, str] | None = None) -> str:
    profile = tempfile.mkdtemp(prefix="textsim-chromium-")
    try:
        command = [
            chromium_binary(),
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            "--virtual-time-budget=15000",
            *extra,
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        if done.returncode != 0:
            sys.exit(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def ink_fraction(png: Path, box: list[float]) -> float:
    """The fraction of the box's pixels that differ clearly from its most common colour."""
    from PIL import Image  # Pillow: the docs extra

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        left, top, right, bottom = (int(round(v)) for v in box)
        region = rgb.crop((max(left, 0), max(top, 0), min(right, rgb.width), min(bottom, rgb.height)))
        data = region.tobytes()
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
    if not pixels:
        return 0.0
    background = max(set(pixels), key=pixels.count)
    return sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, background)) > 64) / len(pixels)


def render(build_dir: Path, page: str, screenshot: Path, env: dict[str, str] | None) -> dict:
    """Measurements of one render (see the module's docstring), and its screenshot."""
    with tempfile.TemporaryDirectory(prefix="textsim-site-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(build_dir, site)
        (site / HARNESS).write_text(
            HARNESS_PAGE.format(
                width=WIDTH,
                height=HEIGHT,
                page=html.escape(page),
                phrase=json.dumps(PHRASE),
                word=json.dumps(WORD),
            ),
            encoding="utf-8",
        )
        server, base = serve(site)
        try:
            dom = chromium(f"{base}/{HARNESS}", "--dump-dom", env=env)
            chromium(f"{base}/{HARNESS}", f"--screenshot={screenshot}", env=env)
        finally:
            server.shutdown()
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, flags=re.S)
    if not found or found.group(1) == "pending":
        return {"error": "the harness never reported (page did not load?)"}
    result = json.loads(html.unescape(found.group(1)))
    if "box" in result:
        result["ink"] = ink_fraction(screenshot, result["box"])
    return result


def problems_of(result: dict) -> list[str]:
    if "error" in result:
        return [result["error"]]
    problems = []
    if not result["text_found"]:
        problems.append("the page's text does not contain the Bengali phrase")
    ratio = result["word_width"] / max(result["code_points_width"], 1e-9)
    result["shaped_ratio"] = ratio
    if ratio > SHAPED_RATIO:
        problems.append(
            f"{WORD} is {ratio:.2f} of its code points' widths (shaped text: below "
            f"{SHAPED_RATIO}); its font {result['font']!r} draws boxes or unshaped glyphs"
        )
    if result["ink"] < MIN_INK:
        problems.append(f"the phrase's place on the screenshot is blank ({result['ink']:.3f} ink)")
    return problems


def fontconfig_without_bengali(directory: Path) -> dict[str, str]:
    """An environment whose fontconfig knows only fonts that have no Bengali glyphs."""
    fonts = [
        path
        for path in Path("/usr/share/fonts").rglob("*.ttf")
        if path.name.startswith(("DejaVuSans", "LiberationSans"))
    ]
    if not fonts:
        sys.exit("no DejaVu or Liberation font for the control render: apt-get install fonts-dejavu-core")
    dirs = "\n".join(f"  <dir>{html.escape(str(d))}</dir>" for d in sorted({f.parent for f in fonts}))
    config = directory / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n{dirs}\n'
        f"  <cachedir>{html.escape(str(directory / 'cache'))}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", type=Path, help="the built HTML site (sphinx -b html)")
    parser.add_argument("--page", default="bengali.html", help="page to check (default: %(default)s)")
    parser.add_argument("--screenshot", type=Path, default=Path("bengali-page.png"))
    args = parser.parse_args()
    assert unicodedata.is_normalized("NFC", PHRASE)
    if not (args.build_dir / args.page).is_file():
        sys.exit(f"{args.build_dir / args.page} does not exist: build the site first")

    result = render(args.build_dir, args.page, args.screenshot, env=None)
    problems = problems_of(result)
    print(f"{args.page}: {json.dumps(result, ensure_ascii=False)}")
    control_png = args.screenshot.with_name(f"{args.screenshot.stem}-no-bengali-font.png")
    with tempfile.TemporaryDirectory(prefix="textsim-fonts-") as tmp:
        control = render(args.build_dir, args.page, control_png, fontconfig_without_bengali(Path(tmp)))
    control_problems = problems_of(control)
    print(f"control without Bengali fonts: {json.dumps(control, ensure_ascii=False)}")
    if not control_problems:
        problems.append("the control render without Bengali fonts passed too: the check is blind")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    if not problems:
        print(
            f"Bengali renders shaped in {args.page} (ratio {result['shaped_ratio']:.2f}, without "
            f"Bengali fonts {control['shaped_ratio']:.2f}); screenshots: {args.screenshot}, "
            f"{control_png}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
