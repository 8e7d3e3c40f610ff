"""SuiteQL for the sandbox: the client's query is executed on SQLite tables named and shaped like NetSuite's records
catalog (docs/vendor-fidelity.md lists each table and column with its source), never matched by pattern.

SuiteQL is Oracle-flavoured SQL. A query is tokenized, checked against what SuiteQL accepts (SQLite-only syntax such
as LIMIT, IFNULL or double-quoted names is refused, as NetSuite would refuse it), the few Oracle functions the
sandbox models are translated, and SQLite runs the rest. Unknown tables and columns fail as in NetSuite: SQLite's own
"no such column" becomes NetSuite's search error, so a query naming a column NetSuite does not have fails in our
test suite instead of in production.
"""
import re
import sqlite3

# Tables and columns: the subset of NetSuite's records catalog (Setup > Records Catalog) that the sandbox keeps.
# `transaction` is a keyword in SQLite: the table and the transactionline column are stored as transaction_.
SCHEMA = """
CREATE TABLE transaction_ (
  id INTEGER PRIMARY KEY, type TEXT, tranid TEXT, trandate TEXT, memo TEXT, externalid TEXT,
  lastmodifieddate TEXT, createddate TEXT, currency INTEGER, foreigntotal REAL, entity INTEGER, status TEXT);
CREATE TABLE transactionline (
  id INTEGER, transaction_ INTEGER, linesequencenumber INTEGER, createdfrom INTEGER, mainline TEXT, taxline TEXT,
  iscogs TEXT, item INTEGER, quantity REAL, rate REAL, netamount REAL, foreignamount REAL, memo TEXT);
CREATE TABLE previoustransactionlinelink (
  previousdoc INTEGER, previousline INTEGER, previoustype TEXT, nextdoc INTEGER, nextline INTEGER, nexttype TEXT,
  linktype TEXT, lastmodifieddate TEXT);
CREATE TABLE item (id INTEGER PRIMARY KEY, itemid TEXT, displayname TEXT, parent INTEGER, itemtype TEXT,
  isinactive TEXT);
CREATE TABLE currency (id INTEGER PRIMARY KEY, name TEXT, symbol TEXT, displaysymbol TEXT, isbasecurrency TEXT,
  exchangerate REAL);
CREATE INDEX transactionline_transaction ON transactionline (transaction_);
CREATE INDEX transactionline_createdfrom ON transactionline (createdfrom);
"""
# The indexes change no answer, only how long SQLite takes over thousands of records (the audit's scale test).
RENAMED = {"transaction": "transaction_"}
DATETIME_COLUMNS = {"lastmodifieddate", "createddate", "trandate"}

KEYWORDS = {"select", "distinct", "from", "join", "inner", "left", "right", "outer", "on", "where", "and", "or",
            "not", "in", "is", "null", "like", "between", "order", "by", "asc", "desc", "group", "having", "as",
            "case", "when", "then", "else", "end"}
# Syntax SQLite takes and SuiteQL does not (SuiteQL pages with limit/offset on the URL, has no LIMIT clause).
REFUSED_WORDS = {"limit", "offset", "glob", "regexp", "ifnull", "iif", "datetime", "date", "strftime", "julianday",
                 "group_concat", "printf", "typeof", "rowid", "oid", "_rowid_", "pragma", "insert",
                 "update", "delete", "create", "drop", "alter", "attach", "with", "true", "false", "collate"}
# Oracle functions SuiteQL has that SQLite runs as they are.
PASSTHROUGH_FUNCTIONS = {"upper", "lower", "abs", "count", "sum", "min", "max", "coalesce", "round", "length", "substr",
                         "instr"}
TOKEN = re.compile(r"\s+|(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                   r"|(?P<op><>|!=|<=|>=|\|\||[=<>(),.*+\-/])|(?P<bad>.)", re.S)


class SuiteQlError(Exception):
    """A query NetSuite would refuse; `detail` is the text NetSuite's error carries."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


def search_error(text):
    return SuiteQlError("Invalid search query. Detailed unprocessed description follows. Search error occurred: " + text)


def tokenize(query):
    tokens = []
    for m in TOKEN.finditer(query):
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "bad":
            what = "double-quoted names" if m.group() == '"' else "backquoted names" if m.group() == "`" else \
                f"'{m.group()}'"
            raise search_error(f"Invalid or unsupported search. Unexpected {what} in the query.")
        tokens.append((kind, m.group()))
    return tokens


def oracle_timestamp(args, function):
    """TO_TIMESTAMP('2026-01-15 00:00:00', 'YYYY-MM-DD HH24:MI:SS') / TO_DATE('2026-01-15', 'YYYY-MM-DD') -> the
    literal in the stored form ('YYYY-MM-DD HH:MM:SS', account time). Other formats are not modelled."""
    if len(args) != 2 or any(kind != "string" for kind, _ in args):
        raise search_error(f"{function} takes a text and a format in the sandbox.")
    value, fmt = (text[1:-1].replace("''", "'") for _, text in args)
    formats = {"YYYY-MM-DD HH24:MI:SS": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "YYYY-MM-DD": r"\d{4}-\d{2}-\d{2}"}
    if fmt.upper() not in formats:
        raise search_error(f"{function} format '{fmt}' is not modelled by the sandbox.")
    if not re.fullmatch(formats[fmt.upper()], value):
        raise search_error(f"{function}: '{value}' does not match the format '{fmt}'.")
    return "'" + (value if len(value) > 10 else value + " 00:00:00") + "'"


def top_level_items(tokens):
    """Splits tokens at the commas outside parentheses; each item as its lower-case token texts."""
    items, depth, current = [], 0, []
    for _, text in tokens:
        depth += text == "("
        depth -= text == ")"
        if text == "," and depth == 0:
            items.append(current)
            current = []
        else:
            current.append(text.lower())
    return items + [current] if current else items


def check_distinct_order(tokens):
    """Oracle: with SELECT DISTINCT, ORDER BY "cannot refer to columns unless they appear in the select list"
    (ORA-01791). SQLite takes it, so the sandbox checks it: each ORDER BY item must be a selected expression, an
    alias or a position."""
    if len(tokens) < 2 or tokens[1][1].lower() != "distinct":
        return
    depth, top = 0, []
    for index, (_, text) in enumerate(tokens):
        depth += text == "("
        depth -= text == ")"
        if depth == 0:
            top.append((index, text.lower()))
    frm = next((i for i, t in top if t == "from"), None)
    order = [i for i, t in top if t == "order"]
    if frm is None or not order:
        return
    selected, aliases = set(), set()
    for item in top_level_items(tokens[2:frm]):
        if len(item) > 2 and item[-2] == "as":
            aliases.add(item[-1])
            item = item[:-2]
        selected.add(" ".join(item))
    for item in top_level_items(tokens[order[-1] + 2:]):
        if item and item[-1] in ("asc", "desc"):
            item = item[:-1]
        text = " ".join(item)
        if text not in selected and text not in aliases and not text.isdigit():
            raise search_error(f"Invalid or unsupported search. ORDER BY {text}: not a SELECTed expression "
                               "(ORA-01791; the select list is DISTINCT).")


def translate(query):
    """SuiteQL text -> (SQLite text, alias -> table). Raises SuiteQlError for what NetSuite would refuse."""
    tokens = tokenize(query)
    if not tokens or tokens[0][1].lower() != "select":
        raise search_error("Only SELECT statements are supported.")
    check_distinct_order(tokens)
    aliases, out, i = {}, [], 0
    while i < len(tokens):
        kind, text = tokens[i]
        low = text.lower()
        follows_call = i + 1 < len(tokens) and tokens[i + 1][1] == "("
        if kind == "op" and text == ";":
            raise search_error("Only one statement is allowed.")
        if kind == "name" and low in REFUSED_WORDS:
            raise search_error(f"Invalid or unsupported search: '{text}' is not SuiteQL (SQLite syntax?).")
        if kind == "name" and low == "builtin" and i + 2 < len(tokens) and tokens[i + 1][1] == ".":
            raise search_error(f"BUILTIN.{tokens[i + 2][1]} is not modelled by the sandbox.")
        if kind == "name" and follows_call and low not in KEYWORDS:
            if low in ("to_timestamp", "to_date"):
                depth, j, args = 0, i + 1, []
                while j < len(tokens):
                    if tokens[j][1] == "(":
                        depth += 1
                    elif tokens[j][1] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    elif tokens[j][1] != "," or depth != 1:
                        args.append(tokens[j])
                    j += 1
                out.append(oracle_timestamp(args, low.upper()))
                i = j + 1
                continue
            if low == "nvl":
                out.append("coalesce")
                i += 1
                continue
            if low not in PASSTHROUGH_FUNCTIONS:
                raise search_error(f"Unknown function {text.upper()}.")
        if kind == "name" and low in ("from", "join") and i + 1 < len(tokens) and tokens[i + 1][0] == "name":
            table = tokens[i + 1][1].lower()
            alias_at = i + 2
            if alias_at < len(tokens) and tokens[alias_at][1].lower() == "as":
                alias_at += 1
            aliases[table] = table
            if alias_at < len(tokens) and tokens[alias_at][0] == "name" and tokens[alias_at][1].lower() not in KEYWORDS:
                aliases[tokens[alias_at][1].lower()] = table
        if kind == "name":
            out.append(RENAMED.get(low, text))
        else:
            out.append(text)
        i += 1
    return " ".join(out), aliases


def storage_name(table):
    return RENAMED.get(table, table)


def netsuite_name(text):
    for ours, theirs in ((v, k) for k, v in RENAMED.items()):
        text = text.replace(ours, theirs)
    return text


def run(db, query, date_text):
    """Executes a SuiteQL query; returns rows as NetSuite's REST answer holds them: lower-case column names, every
    value a string, NULL columns left out. `date_text` renders a stored datetime as the user's preference would."""
    sql, aliases = translate(query)
    try:
        cursor = db.execute(sql)
    except sqlite3.OperationalError as e:
        message = netsuite_name(str(e))
        m = re.match(r"no such column: (?:(\w+)\.)?(\w+)", message)
        if m:
            # The text NetSuite answers for a misspelt column (seen in public clients' recorded answers).
            known = ", ".join(f"{alias}={table}" for alias, table in aliases.items() if alias != table or len(aliases) == 1)
            raise search_error(f"Unknown identifier '{m.group(2)}'. Available identifiers are: {{{known}}}.") from None
        m = re.match(r"no such table: (\w+)", message)
        if m:
            raise SuiteQlError("Invalid search query. Detailed unprocessed description follows. "
                               f"Invalid search type: {m.group(1)}.") from None
        raise search_error(f"Invalid or unsupported search. {message}") from None
    names = [netsuite_name(d[0]).lower() for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = {"links": []}
        for name, value in zip(names, values):
            if value is None:
                continue
            if name in DATETIME_COLUMNS and isinstance(value, str):
                row[name] = date_text(value)
            elif isinstance(value, float):
                row[name] = repr(value).removesuffix(".0")
            else:
                row[name] = str(value)
        rows.append(row)
    return rows


def open_database():
    db = sqlite3.connect(":memory:", check_same_thread=False)  # callers hold the sandbox's lock
    db.executescript(SCHEMA)
    return db
