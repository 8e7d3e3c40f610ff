"""The sandbox's NetSuite: SuiteTalk REST records (read, transform, update), SuiteQL, currencies and items, and the
control endpoints that seed them. Every behaviour modelled here has a row in docs/vendor-fidelity.md naming its
source; where the documentation leaves a question open, the sandbox takes the reading least convenient for the
client ([B] in the table), so the product must work either way.
"""
import re
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal, ROUND_HALF_UP

import suiteql

CENT = Decimal("0.01")
TYPE_CODES = {"salesOrder": "SalesOrd", "invoice": "CustInvc", "cashSale": "CashSale", "cashRefund": "CashRfnd",
              "creditMemo": "CustCred", "returnAuthorization": "RtnAuth"}
REFUND_TYPES = ("cashRefund", "creditMemo")
TRANSFORMS = {("cashSale", "cashRefund"), ("invoice", "creditMemo"), ("salesOrder", "invoice"),
              ("salesOrder", "cashSale"),
              # Return authorizations (people's returns, never the product's): made from a sales order or an invoice
              # (article_7123719564) or a cash sale (section_0526122453); [B] the cash refund or credit memo issued
              # for one names it as the record it was created from.
              ("salesOrder", "returnAuthorization"), ("invoice", "returnAuthorization"),
              ("cashSale", "returnAuthorization"), ("returnAuthorization", "cashRefund"),
              ("returnAuthorization", "creditMemo")}
# Currency records as a NetSuite account holds them: the record's name is not the ISO code (N2); `symbol` is.
CURRENCIES = [("1", "USA", "USD", "$"), ("2", "British pound", "GBP", "£"), ("3", "Canadian Dollar", "CAD", "$"),
              ("4", "Euro", "EUR", "€"), ("5", "Yen", "JPY", "¥")]
# "Other Charge for Sale" items the product is configured with (netsuite.generic_items).
GENERIC_ITEMS = {"900": "Shipping", "901": "Refund Adjustment"}
TAX_ITEM = 950           # the tax code a tax line names (not an item record)
COST_SHARE = Decimal("0.4")  # an inventory item's cost, as a share of its sales amount (COGS lines)
# What keeps NetSuite's payment processing from refunding the card again when a cash refund is made from a cash sale
# paid by card (E7; Oracle, "Handling Mode", section_158453792666): with the Payment Instruments feature, handling
# mode "Save only"; without it, Charge Credit Card and CC Approved left unchecked. Which one an account has is
# not known to the client, so the sandbox is set to either and the product must send both.
PROCESSING_OFF = {True: {"handlingMode": "SAVE_ONLY"}, False: {"chargeIt": False, "ccApproved": False}}


def field_value(value):
    """A select field is written as {"id": "X"} or, since 2021.1, as "X" alone (section_1545142146)."""
    return value.get("id") if isinstance(value, dict) else value


def money(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def iso_utc(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + "Z"


def ns_error(status, code, detail, **where):
    """NetSuite's error body (section_156570709583); `where`: o:errorPath / o:errorQueryParam, e.g.
    error_path="item.items[0].item"."""
    details = {"detail": detail, "o:errorCode": code}
    details.update({"o:" + k.replace("_p", "P").replace("_q", "Q"): v for k, v in where.items()})
    return status, {"type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
                    "title": "Bad Request" if status == 400 else "Error", "status": status,
                    "o:errorDetails": [details]}


class NetSuiteData:
    """NetSuite's side of the sandbox's state. Callers hold the sandbox's lock."""

    def __init__(self):
        self.next_id = 1000
        self.records = {}            # (type, id) -> record dict (REST view + "_" fields)
        self.by_external_id = {}     # (type, externalId) -> record dict
        self.children = {}           # createdFrom id -> [record dicts], in creation order
        self.items = {k: {"itemid": v, "fullname": v, "parent": None, "type": "OthCharge"} for k, v in GENERIC_ITEMS.items()}
        self.currencies = {cid: {"name": name, "symbol": code, "displaySymbol": sign}
                           for cid, name, code, sign in CURRENCIES}
        self.tax_drift = Decimal("0")  # added to every created refund's tax: "NetSuite recomputed tax"
        # [B] SuiteQL compares datetimes in the integration user's time zone (N4): US Pacific standard time here.
        self.tz_offset_hours = -8.0
        self.card_refunds_processed = 0  # cash refunds whose card payment NetSuite would have refunded (E7)
        self.payment_instruments = True  # the account's Payment Instruments feature (which fields stop processing)
        self.suitescript_deployed = True  # the SuiteScript sends its record events (deploy/netsuite/)
        self.db = suiteql.open_database()
        for cid, c in self.currencies.items():
            self.db.execute("INSERT INTO currency VALUES (?,?,?,?,?,1)", (int(cid), c["name"], c["symbol"],
                                                                           c["displaySymbol"], "T" if cid == "1" else "F"))
        for iid, item in self.items.items():
            self.index_item(iid, item)

    def new_id(self):
        self.next_id += 1
        return str(self.next_id)

    def local_text(self, epoch):
        local = datetime.fromtimestamp(epoch, timezone.utc) + timedelta(hours=self.tz_offset_hours)
        return local.strftime("%Y-%m-%d %H:%M:%S")

    @staticmethod
    def date_preference(stored):
        """[B] SuiteQL answers datetimes in the user's date format preference (M/D/YYYY here), not ISO 8601."""
        d = datetime.strptime(stored, "%Y-%m-%d %H:%M:%S")
        return f"{d.month}/{d.day}/{d.year}"

    def index_item(self, iid, item):
        self.db.execute("INSERT OR REPLACE INTO item (id, itemid, displayname, parent, itemtype, isinactive) "
                        "VALUES (?,?,?,?,?,'F')", (int(iid), item["itemid"], item["itemid"],
                                                     int(item["parent"]) if item["parent"] else None, item["type"]))

    def item_for_sku(self, sku, parent=None):
        """The item whose itemId is `sku`, made if missing; with `parent`, a matrix child named "Parent : sku"."""
        for iid, item in self.items.items():
            if item["itemid"] == sku:
                return iid
        parent_id = self.item_for_sku(parent) if parent else None
        iid = str(100 + len(self.items))
        fullname = f"{self.items[parent_id]['fullname']} : {sku}" if parent_id else sku
        self.items[iid] = {"itemid": sku, "fullname": fullname, "parent": parent_id, "type": "InvtPart"}
        self.index_item(iid, self.items[iid])
        return iid

    def currency_for_code(self, code):
        for cid, c in self.currencies.items():
            if c["symbol"] == code:
                return cid
        cid = str(len(self.currencies) + 1)
        self.currencies[cid] = {"name": f"{code} currency", "symbol": code, "displaySymbol": code}
        self.db.execute("INSERT INTO currency VALUES (?,?,?,?,'F',1)", (int(cid), self.currencies[cid]["name"], code, code))
        return cid

    def index_record(self, rec):
        """Mirrors a record into the SuiteQL tables. Sales lines carry negative quantities and amounts (NetSuite
        books them as credits to income); the refunds' lines positive, their total negative ([B]). [B] Only the main
        line names the record it was created from. Beside the item lines, a line's tax is a line of its own
        (taxline 'T', naming the tax item), and an inventory item sold on an invoice or cash sale posts cost of goods
        sold on two more lines of the same item (iscogs 'T': the COGS and the asset account), which a query must
        leave out to read the item lines."""
        rid, code = int(rec["id"]), TYPE_CODES[rec["_type"]]
        sign = 1 if rec["_type"] in REFUND_TYPES else -1
        created_from = int(rec["createdFrom"]["id"]) if rec.get("createdFrom") else None
        self.db.execute("DELETE FROM transaction_ WHERE id = ?", (rid,))
        self.db.execute("DELETE FROM transactionline WHERE transaction_ = ?", (rid,))
        self.db.execute("INSERT INTO transaction_ VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", (
            rid, code, rec["tranId"], self.local_text(rec["_created"])[:10] + " 00:00:00", rec.get("memo"),
            rec.get("externalId"), self.local_text(rec["_modified"]), self.local_text(rec["_created"]),
            int(rec["currency"]["id"]), float(-rec["total"] if sign > 0 else rec["total"]), 77, None))
        self.db.execute("INSERT INTO transactionline (id, transaction_, linesequencenumber, createdfrom, mainline, taxline, "
                        "iscogs, netamount, foreignamount, memo) VALUES (0,?,0,?,'T','F','F',?,?,?)",
                        (rid, created_from, float(sign * rec["subtotal"]), float(sign * rec["subtotal"]), rec.get("memo")))
        extra = 1000  # line ids of the tax and COGS lines, after the item lines'
        for line in rec["_lines"]:
            # [B] createdfrom on the main line only: lines sent without a key are linked to no source line.
            self.db.execute("INSERT INTO transactionline VALUES (?,?,?,?,'F','F','F',?,?,?,?,?,NULL)", (
                line["line"], rid, line["line"], None, int(line["item"]), float(sign * line["quantity"]),
                float(line.get("rate", line["amount"] / max(line["quantity"], 1))), float(sign * line["amount"]),
                float(sign * line["amount"])))
            if line.get("taxAmount"):
                extra += 1
                self.db.execute("INSERT INTO transactionline VALUES (?,?,?,NULL,'F','T','F',?,NULL,NULL,?,?,NULL)", (
                    extra, rid, extra, TAX_ITEM, float(sign * line["taxAmount"]), float(sign * line["taxAmount"])))
            if code in ("CustInvc", "CashSale") and self.items.get(line["item"], {}).get("type") == "InvtPart":
                cost = float(money(Decimal(str(line["amount"])) * COST_SHARE))
                for cogs_sign in (1, -1):  # debit cost of goods sold, credit the asset account
                    extra += 1
                    self.db.execute("INSERT INTO transactionline VALUES (?,?,?,NULL,'F','F','T',?,?,NULL,?,?,NULL)", (
                        extra, rid, extra, int(line["item"]), float(cogs_sign * line["quantity"]), cogs_sign * cost,
                        cogs_sign * cost))

    def reindex_all(self):
        for rec in self.records.values():
            self.index_record(rec)


class NetSuite:
    """SuiteTalk REST: records under /services/rest/record/v1, SuiteQL under /services/rest/query/v1."""

    def __init__(self, state, send_event):
        self.s = state                # the sandbox's state: .lock, .netsuite (NetSuiteData)
        self.d = state.netsuite
        self.send_event = send_event  # (record, "create"|"edit") -> the SuiteScript's webhook

    # -- reading -----------------------------------------------------------------------------------------
    def find(self, rtype, rid):
        with self.s.lock:
            if rid.startswith("eid:"):
                return self.d.by_external_id.get((rtype, rid[4:]))
            return self.d.records.get((rtype, rid))

    def render(self, rec, expand):
        out = {k: v for k, v in rec.items() if not k.startswith("_")}
        out["links"] = [{"rel": "self", "href": f"/services/rest/record/v1/{rec['_type']}/{rec['id']}"}]
        for ref in ("entity", "createdFrom"):
            if isinstance(out.get(ref), dict):
                out[ref] = dict({"links": []}, **out[ref])
        if isinstance(out.get("entity"), dict):
            out["entity"].setdefault("refName", "Customer " + out["entity"]["id"])
        cur = self.d.currencies[rec["currency"]["id"]]
        out["currency"] = {"links": [], "id": rec["currency"]["id"], "refName": cur["name"]}
        out["lastModifiedDate"], out["createdDate"] = iso_utc(rec["_modified"]), iso_utc(rec["_created"])
        lines = []
        for line in rec["_lines"]:
            row = {"links": [], "line": line["line"], "quantity": line["quantity"],
                   "item": {"links": [], "id": line["item"], "refName": self.d.items[line["item"]]["fullname"]}}
            for k in ("rate", "amount", "taxAmount", "taxRate"):
                if k in line:
                    row[k] = float(line[k])
            lines.append(row)
        out["item"] = {"links": [], "items": lines} if expand else \
            {"links": [{"rel": "self", "href": out["links"][0]["href"] + "/item"}]}
        for k in ("total", "subtotal", "taxTotal"):
            out[k] = float(out[k])
        return out

    def currency(self, cid):
        with self.s.lock:
            c = self.d.currencies.get(cid)
        if c is None:
            return ns_error(404, "NONEXISTENT_ID", f"Record currency {cid} was not found.")
        return 200, {"links": [{"rel": "self", "href": f"/services/rest/record/v1/currency/{cid}"}], "id": cid,
                     "name": c["name"], "symbol": c["symbol"], "displaySymbol": c["displaySymbol"],
                     "isBaseCurrency": cid == "1", "isInactive": False, "exchangeRate": 1.0}

    def suiteql(self, q, limit, offset):
        try:
            with self.s.lock:
                rows = suiteql.run(self.d.db, q, self.d.date_preference)
        except suiteql.SuiteQlError as e:
            return ns_error(400, "INVALID_PARAMETER", e.detail, error_query_param="q")
        page = rows[offset:offset + limit]
        return 200, {"links": [], "count": len(page), "hasMore": offset + limit < len(rows), "items": page,
                     "offset": offset, "totalResults": len(rows)}

    # -- writing -----------------------------------------------------------------------------------------
    @staticmethod
    def totals(rec):
        subtotal = sum((line["amount"] for line in rec["_lines"]), Decimal("0"))
        tax = sum((line.get("taxAmount", Decimal("0")) for line in rec["_lines"]), Decimal("0"))
        rec["subtotal"], rec["taxTotal"], rec["total"] = subtotal, tax, subtotal + tax

    def make(self, rtype, fields, lines, created_from=None):
        now = time.time()
        with self.s.lock:
            if fields.get("externalId") and (rtype, fields["externalId"]) in self.d.by_external_id:
                # [B] N5: the REST text for a duplicate external id is undocumented; it is not SOAP's DUP_RCRD.
                return None, ns_error(400, "USER_ERROR", "A record with this external ID already exists: "
                                                         f"{fields['externalId']}.")
            rid = self.d.new_id()
            rec = dict(fields)
            rec.update({"id": rid, "_type": rtype, "tranId": f"{TYPE_CODES[rtype]}{rid}", "_lines": lines,
                        "_created": now, "_modified": now})
            if created_from is not None:
                rec["createdFrom"] = {"id": created_from["id"], "refName": created_from["tranId"]}
            self.totals(rec)
            self.d.records[(rtype, rid)] = rec
            if rec.get("externalId"):
                self.d.by_external_id[(rtype, rec["externalId"])] = rec
            if created_from is not None:
                self.d.children.setdefault(created_from["id"], []).append(rec)
            self.d.index_record(rec)
        return rec, None

    def refunded_quantity(self, source, item_id):
        return sum(line["quantity"] for rec in self.d.children.get(source["id"], []) if rec["_type"] in REFUND_TYPES
                   for line in rec["_lines"] if line["item"] == item_id)

    def body_line(self, source, want, index=0):
        """A new sublist line from a request body (one without a `line` key)."""
        item = str((want.get("item") or {}).get("id", ""))
        if item not in self.d.items:
            return None, ns_error(400, "INVALID_CONTENT", "Error while accessing a resource. You have entered an Invalid "
                                  f"Field Value {item} for the following field: item", error_path=f"item.items[{index}].item")
        src = next((line for line in source["_lines"] if line["item"] == item), None) if source else None
        if source is not None and src is None and item not in GENERIC_ITEMS:
            return None, ns_error(400, "INVALID_CONTENT", f"Item {item} is not on the source transaction")
        qty = int(want.get("quantity", 1))
        rate = src["rate"] if src and "rate" in src else None
        amount = money(want["amount"]) if "amount" in want else money((rate or 0) * qty)
        tax_rate = src.get("taxRate", Decimal("0")) if src else Decimal("0")
        return {"item": item, "quantity": qty, "rate": rate if rate is not None else amount / max(qty, 1),
                "amount": amount, "taxRate": tax_rate, "taxAmount": money(amount * tax_rate)}, None

    def transform(self, from_type, from_id, to_type, body, replace=()):
        """N1: the new record starts with a copy of every line of the source; body lines without a key are
        appended to them, and `?replace=item` makes the body's lines the only ones. No item lines in the body:
        the whole source is refunded."""
        if (from_type, to_type) not in TRANSFORMS:
            return ns_error(400, "INVALID_TRANSFORM", f"Cannot transform {from_type} to {to_type}")
        source = self.find(from_type, from_id)
        if source is None:
            return ns_error(404, "NONEXISTENT_ID", f"Record {from_type} {from_id} was not found.")
        with self.s.lock:
            lines = [dict(line) for line in source["_lines"]]
            wanted = (body.get("item") or {}).get("items")
            if wanted is not None:
                # Cash refund / credit memo item lines are keyed by `line` (1-indexed; Oracle's cash refund and
                # credit memo pages: "including line field will update the existing line at this index, excluding
                # will add a new line"). Keyed lines update the copied line; with ?replace=item the copied lines
                # no body line names are removed (section_1545297048).
                kept, new = {}, []
                for index, want in enumerate(wanted):
                    if "line" in want:
                        index = int(want["line"])
                        if not 1 <= index <= len(lines):
                            return ns_error(400, "INVALID_CONTENT", f"Invalid line {index} for sublist item")
                        line = kept.setdefault(index, lines[index - 1])
                        if "quantity" in want:
                            line["quantity"] = int(want["quantity"])
                            line["amount"] = money(line.get("rate", 0) * line["quantity"])
                        if "amount" in want:
                            line["amount"] = money(want["amount"])
                        line["taxAmount"] = money(line["amount"] * line.get("taxRate", Decimal("0")))
                        continue
                    line, err = self.body_line(source, want, index)
                    if err:
                        return err
                    new.append(line)
                lines = ([kept[i] for i in sorted(kept)] if "item" in replace else lines) + new
            for i, line in enumerate(lines):
                line["line"] = i + 1
            if to_type in REFUND_TYPES:
                for item in {line["item"] for line in lines if line["item"] not in GENERIC_ITEMS}:
                    sold = sum(line["quantity"] for line in source["_lines"] if line["item"] == item)
                    asked = sum(line["quantity"] for line in lines if line["item"] == item)
                    if asked + self.refunded_quantity(source, item) > sold:
                        return ns_error(400, "USER_ERROR", f"You cannot refund more than {sold} of item "
                                                           f"{self.d.items[item]['fullname']}.")
                if lines:
                    lines[0]["taxAmount"] += self.d.tax_drift  # "NetSuite recomputed tax" (injected)
            # [B] whether a transform body may set externalId is unconfirmed: ignored here (N5).
            fields = {k: v for k, v in body.items() if k not in ("item", "id", "externalId")}
            fields["currency"] = dict(source["currency"])
            fields.setdefault("entity", source.get("entity"))
            fields.pop("_card", None)
            rec, err = self.make(to_type, fields, lines, created_from=source)
            if err:
                return err
            if to_type == "cashRefund" and source.get("_card") and \
                    any(field_value(body.get(k, "unset")) != v
                        for k, v in PROCESSING_OFF[self.d.payment_instruments].items()):
                rec["_card_refunded"] = True  # E7: NetSuite would refund the card a second time
                self.d.card_refunds_processed += 1
        return 204, rec

    def patch(self, rtype, rid, body, replace=()):
        rec = self.find(rtype, rid)
        if rec is None:
            return ns_error(404, "NONEXISTENT_ID", f"Record {rtype} {rid} was not found.")
        with self.s.lock:
            if body.get("externalId") and body["externalId"] != rec.get("externalId"):
                if (rtype, body["externalId"]) in self.d.by_external_id:
                    return ns_error(400, "USER_ERROR", f"A record with this external ID already exists: {body['externalId']}.")
                self.d.by_external_id[(rtype, body["externalId"])] = rec
            created_from = rec.get("createdFrom", {}).get("id", "")
            # Internal ids are unique across types: the source is whatever record that is (a refund's billed
            # record, or a return it was issued from).
            source = next((r for (_, rid), r in self.d.records.items() if rid == created_from), None)
            for k, v in body.items():
                if k == "item":
                    new = []
                    for want in v.get("items", []):
                        line, err = self.body_line(source, want)
                        if err:
                            return err
                        new.append(line)
                    rec["_lines"] = new if "item" in replace else rec["_lines"] + new
                    for i, line in enumerate(rec["_lines"]):
                        line["line"] = i + 1
                elif k != "id":
                    rec[k] = v
            rec["_modified"] = time.time()
            self.totals(rec)
            self.d.index_record(rec)
        return 204, rec

    # -- control API (seeding, what a user does in NetSuite, read-back) ----------------------------------
    def control(self, method, path, body):
        d = self.d
        if path == "/_control/netsuite/orders" and method == "POST":
            return self.seed_order(body)
        if path == "/_control/netsuite/records" and method == "GET":
            with self.s.lock:
                return 200, {"records": [dict(self.render(r, True), _cardRefunded=r.get("_card_refunded", False))
                                         for r in d.records.values()]}
        if path == "/_control/netsuite/currencies" and method == "POST":
            # {symbol, name}: a currency record whose name is not its ISO code
            with self.s.lock:
                cid = d.currency_for_code(body["symbol"])
                d.currencies[cid]["name"] = body.get("name", d.currencies[cid]["name"])
                d.db.execute("UPDATE currency SET name = ? WHERE id = ?", (d.currencies[cid]["name"], int(cid)))
            return 200, {"id": cid}
        if path == "/_control/netsuite/items" and method == "POST":
            # {sku, parent}: an item; with parent, a matrix child whose refName is "parent : sku"
            with self.s.lock:
                iid = d.item_for_sku(body["sku"], body.get("parent"))
                return 200, {"id": iid, "refName": d.items[iid]["fullname"]}
        if path == "/_control/netsuite/payments" and method == "GET":
            with self.s.lock:
                return 200, {"card_refunds_processed": d.card_refunds_processed}
        if path == "/_control/netsuite/refunds" and method == "POST":
            return self.user_refund(body)
        if path == "/_control/netsuite/return-authorizations" and method == "POST":
            # A user authorizes a return: {from_type: salesOrder|invoice|cashSale, from_id} -> {id}, every line
            # of the source; a refund is then entered from it with /_control/netsuite/refunds.
            status, rec = self.transform(body["from_type"], str(body["from_id"]), "returnAuthorization", {})
            return (200, {"type": "returnAuthorization", "id": rec["id"]}) if status == 204 else (status, rec)
        m = re.fullmatch(r"/_control/netsuite/records/(\w+)/(\d+)", path)
        if m and method == "PATCH":
            # A user edits a record in NetSuite (e.g. after it was posted): {memo, send_webhook}
            status, rec = self.patch(m.group(1), m.group(2), {k: v for k, v in body.items() if k != "send_webhook"})
            if status != 204:
                return status, rec
            sent = self.send_event(rec, "edit") if body.get("send_webhook", True) else None
            return 200, {"id": rec["id"], "webhook_status": sent}
        if m and method == "DELETE":
            # A user deletes a record in NetSuite (e.g. one refundsync posted); the SuiteScript's afterSubmit sends
            # a `delete` event for it unless send_webhook is false.
            rec = self.find(m.group(1), m.group(2))
            if rec is None:
                return ns_error(404, "NONEXISTENT_ID", f"Record {m.group(1)} {m.group(2)} was not found.")
            with self.s.lock:
                d.records.pop((rec["_type"], rec["id"]), None)
                if rec.get("externalId"):
                    d.by_external_id.pop((rec["_type"], rec["externalId"]), None)
                d.db.execute("DELETE FROM transaction_ WHERE id = ?", (int(rec["id"]),))
                d.db.execute("DELETE FROM transactionline WHERE transaction_ = ?", (int(rec["id"]),))
            sent = self.send_event(rec, "delete") if body.get("send_webhook", True) else None
            return 200, {"id": rec["id"], "webhook_status": sent}
        return None

    def settings(self, body):
        with self.s.lock:
            if "tax_drift" in body:
                self.d.tax_drift = money(body["tax_drift"])
            if "payment_instruments" in body:
                self.d.payment_instruments = bool(body["payment_instruments"])
            if "timezone_offset_hours" in body:
                self.d.tz_offset_hours = float(body["timezone_offset_hours"])
                self.d.reindex_all()
            if "suitescript_deployed" in body:
                # false: no record event reaches the service (the SuiteScript is not deployed, or a test counts
                # the calls of one refund without those of its echo)
                self.d.suitescript_deployed = bool(body["suitescript_deployed"])

    def seed_order(self, body):
        """{external_id, billing: cash_sale|invoice|none, currency (ISO code), payment: card|cash,
        lines: [{sku, quantity, rate, tax_rate, parent}], shipping} -> {sales_order, billed: {type, id}}.
        "Never synced" = simply do not seed it. Cash sales are paid by card unless payment says otherwise."""
        lines = []
        with self.s.lock:
            for i, line in enumerate(body.get("lines", [])):
                item = self.d.item_for_sku(line["sku"], line.get("parent"))
                rate = Decimal(str(line.get("tax_rate", "0")))
                amount = money(Decimal(str(line["rate"])) * int(line["quantity"]))
                lines.append({"line": i + 1, "item": item, "quantity": int(line["quantity"]),
                              "rate": Decimal(str(line["rate"])), "amount": amount, "taxRate": rate,
                              "taxAmount": money(amount * rate)})
            if body.get("shipping"):
                lines.append({"line": len(lines) + 1, "item": "900", "quantity": 1, "rate": money(body["shipping"]),
                              "amount": money(body["shipping"]), "taxRate": Decimal("0"), "taxAmount": Decimal("0")})
            currency = {"id": self.d.currency_for_code(body.get("currency", "USD"))}
        fields = {"externalId": body["external_id"], "currency": currency, "entity": {"id": "77"}}
        so, err = self.make("salesOrder", fields, lines)
        if err:
            return err
        out = {"sales_order": so["id"], "billed": None}
        billing = body.get("billing", "cash_sale")
        if billing != "none":
            rtype = "cashSale" if billing == "cash_sale" else "invoice"
            extra = {"_card": body.get("payment", "card") == "card"} if rtype == "cashSale" else {}
            billed, _ = self.make(rtype, dict({"currency": currency, "entity": fields["entity"]}, **extra),
                                  [dict(line) for line in lines], created_from=so)
            out["billed"] = {"type": rtype, "id": billed["id"]}
        return 200, out

    def user_refund(self, body):
        """A user enters a cash refund / credit memo in NetSuite from a billed record, choosing its lines (the UI
        equivalent of ?replace=item) and booking it only (the storefront moves the money):
        {billed_type, billed_id, lines: [{sku, quantity, amount}], shipping, memo, send_webhook: true}.
        billed_type may be returnAuthorization: the refund is then issued from a return, as `to_type` says
        (cashRefund, the default, or creditMemo). Sends the SuiteScript's webhook unless send_webhook is false (a
        lost event)."""
        source = self.find(body["billed_type"], str(body["billed_id"]))
        if source is None:
            return 404, {"error": "no such billed record"}
        to_type = "cashRefund" if source["_type"] == "cashSale" else "creditMemo"
        if source["_type"] == "returnAuthorization":
            to_type = body.get("to_type", "cashRefund")
        items = []
        with self.s.lock:
            for line in body.get("lines", []):
                item = next((k for k, v in self.d.items.items() if v["itemid"] == line["sku"]), None)
                items.append({"item": {"id": item}, "quantity": int(line.get("quantity", 1)), "amount": line["amount"]})
        if body.get("shipping"):
            items.append({"item": {"id": "900"}, "quantity": 1, "amount": body["shipping"]})
        status, rec = self.transform(source["_type"], source["id"], to_type,
                                     dict({"memo": body.get("memo", "entered in NetSuite"), "item": {"items": items}},
                                          **PROCESSING_OFF[self.d.payment_instruments]), replace=("item",))
        if status != 204:
            return status, rec
        sent = self.send_event(rec, "create") if body.get("send_webhook", True) else None
        return 200, {"type": to_type, "id": rec["id"], "total": str(rec["total"]), "webhook_status": sent}

