#!/usr/bin/env python3
"""Every relative link and anchor in README.md and docs/*.md resolves (no network).

A link `[text](path)` or `![alt](path)` whose target is not a URL must name a file or directory of the repository,
relative to the linking file; `path#anchor` and `#anchor` must name a heading of the target Markdown file, by
GitHub's anchor rule (lower case, punctuation dropped, spaces to hyphens, repeats numbered -1, -2, ...).
Links inside code blocks and code spans are not links. Exits 1 and names every broken link.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
FENCE = re.compile(r'^\s*(```|~~~)')


def prose_lines(path: Path):
    """(line number, text, text with code spans blanked) of the lines outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line, re.sub(r'`[^`]*`', lambda m: ' ' * len(m.group(0)), line)


def slug(heading: str) -> str:
    text = re.sub(r'`([^`]*)`', r'\1', heading)           # code spans keep their text
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)   # links keep their text
    text = text.strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)                   # GitHub drops punctuation, keeps - and _
    return text.replace(' ', '-')


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for _, line, _ in prose_lines(path):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def main() -> int:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = []
    checked = 0
    for source in files:
        for number, _, line in prose_lines(source):
            for target in LINK.findall(line):
                if re.match(r'^[a-z][a-z0-9+.-]*:', target):  # http:, https:, mailto:
                    continue
                checked += 1
                where = f"{source.relative_to(ROOT)}:{number}: {target}"
                path_part, _, anchor = target.partition('#')
                resolved = (source.parent / path_part).resolve() if path_part else source
                if not resolved.exists():
                    problems.append(f"{where}: no such file")
                    continue
                if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                    problems.append(f"{where}: no heading #{anchor} in {resolved.relative_to(ROOT)}")
    for problem in problems:
        print(problem)
    print(f"links: {checked} checked, {len(problems)} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
