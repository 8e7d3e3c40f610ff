#!/usr/bin/env python3
"""The sync engine's layering rules, checked on the source tree (docs/development.md, "Layers").

- handlers/ reaches nothing of hiredis, of the Redis store or of clients/, directly or through any header it
  includes, and holds no SuiteQL or GraphQL text: it speaks to the store through its roles (store/sync_store.h,
  store/store_session.h) and to vendors through its own ports (handlers/netsuite_ledger.h,
  handlers/shopify_storefront.h, handlers/ebay_storefront.h), which clients/ implements.
- ingress/ reaches nothing of hiredis or of the Redis store either: the webhook path through store/ingest_store.h,
  the admin API through store roles.
- ingress/ and handlers/ send no raw Redis command: the store's classes do.

Exits 1 and names every breach.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
REDIS_STORE = r'hiredis/|store/redis_|store/async_redis|store/key_layout|store/capture_store|store/capture_purger'
FORBIDDEN = {
    "handlers": re.compile(rf'^({REDIS_STORE}|clients/)'),
    "ingress": re.compile(rf'^({REDIS_STORE})'),
}
QUERY_TEXT = re.compile(r'"[^"\n]*\b(SELECT\s+\w|FROM\s+transaction\b|mutation\s*\(|refundCreate\s*\()', re.I)
# A command array sent over a connection, or the name of a stream or sorted-set command (GET/SET are left out:
# they are HTTP methods too).
RAW_REDIS = re.compile(r'\.(Command|Pipeline|Submit)\s*\(\s*\{|"(X(ADD|READGROUP|AUTOCLAIM|CLAIM|ACK|DEL|GROUP)|EVALSHA|ZADD|ZREVRANGE|ZRANGEBYSCORE|HSET|HGETALL)"')


def includes(path: Path) -> list[str]:
    return INCLUDE.findall(path.read_text(encoding="utf-8"))


def closure(path: Path) -> dict[str, str]:
    """Every header reached from `path`, mapped to the file that includes it (for the message)."""
    seen: dict[str, str] = {}
    todo = [(name, str(path.relative_to(ROOT))) for name in includes(path)]
    while todo:
        name, via = todo.pop()
        if name in seen:
            continue
        seen[name] = via
        local = ROOT / name
        if local.is_file():
            todo.extend((inner, name) for inner in includes(local))
    return seen


def main() -> int:
    problems = []
    for folder, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / folder).glob("*.[ch]*")):
            rel = path.relative_to(ROOT)
            for name, via in closure(path).items():
                if forbidden.match(name):
                    problems.append(f"{rel}: reaches {name} (included by {via})")
    for path in sorted((ROOT / "handlers").glob("*.[ch]*")):
        rel = path.relative_to(ROOT)
        for match in QUERY_TEXT.finditer(path.read_text(encoding="utf-8")):
            problems.append(f"{rel}: query text {match.group(0)[:40]!r}; it belongs behind a port in clients/")
    for folder in ("handlers", "ingress"):
        for path in sorted((ROOT / folder).glob("*.[ch]*")):
            for match in RAW_REDIS.finditer(path.read_text(encoding="utf-8")):
                problems.append(f"{path.relative_to(ROOT)}: raw Redis command {match.group(0)!r}; use a store role")
    for problem in problems:
        print(problem)
    print(f"layers: {len(problems)} breach(es)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
