"""The sandbox's Shopify: Admin GraphQL (orders, refunds, refundCreate with @idempotent, webhook subscriptions,
the app's access scopes) with Shopify's cost limits, the refunds/create webhook in the shape of the app's webhook API
version, and the control endpoints that seed orders and refunds. Every behaviour has a row in
docs/vendor-fidelity.md naming its source; where the documentation is unclear the sandbox takes the reading least
convenient for the client ([B]).
"""
import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from decimal import Decimal

from webhook_send import send_webhook
from shopify_graphql import MAX_QUERY_COST, IDEMPOTENT_REQUIRED, INPUTS, GraphQLError, Request

CENT = Decimal("0.01")
DAY = 86400
# Orders older than this are invisible without read_all_orders (shopify.dev Order object: "Only the last 60 days'
# worth of orders from a store are accessible from the Order object by default").
VISIBLE_DAYS = 60


def money(value):
    return str(Decimal(str(value)).quantize(CENT))


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def bag(amount, currency):
    return {"shopMoney": {"amount": money(amount), "currencyCode": currency},
            "presentmentMoney": {"amount": money(amount), "currencyCode": currency}}


class ShopifyData:
    """Orders, refunds, the cost bucket, the app's scopes and webhook settings; guarded by the sandbox's lock."""

    def __init__(self, webhook_api_version):
        self.orders = {}           # numeric order id -> order
        self.bucket = {"maximum": 1000.0, "available": 1000.0, "restore_rate": 50.0, "at": time.time()}
        self.idempotent = {}       # idempotency key -> refundCreate result
        self.subscriptions = []    # {id, topic, uri}
        self.refund_status = "SUCCESS"  # given to the transactions of refunds made by refundCreate
        # The handles granted, as accessScopes lists them: a write scope also grants its read scope but only the
        # write one is listed (shopify.dev "Access scopes": "Any scope that writes a resource also grants read access
        # to it"); read_all_orders only on request (Order object). [B] the least convenient default.
        self.scopes = ["write_orders"]
        self.webhook_api_version = webhook_api_version
        self.costs = []            # {operation, requested, actual} of every GraphQL request, for tests


class Shopify:
    def __init__(self, state):
        self.s = state
        self.d = state.shopify

    # --- rate limit ---------------------------------------------------------------------------------------------

    def cost(self, requested, actual):
        b = self.d.bucket
        return {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                         "throttleStatus": {"maximumAvailable": b["maximum"], "currentlyAvailable": int(b["available"]),
                                            "restoreRate": b["restore_rate"]}}}

    def take(self, requested):
        """The leaky bucket per app and shop, refilled at restoreRate points a second; a request needs its
        requested cost available and is then charged its actual cost."""
        b = self.d.bucket
        now = time.time()
        b["available"] = min(b["maximum"], b["available"] + (now - b["at"]) * b["restore_rate"])
        b["at"] = now
        if b["available"] < requested:
            return False
        b["available"] -= requested
        return True

    def refund_difference(self, requested, actual):
        b = self.d.bucket
        b["available"] = min(b["maximum"], b["available"] + requested - actual)

    # --- GraphQL --------------------------------------------------------------------------------------------------

    def graphql(self, version, body):
        try:
            request = Request(body.get("query", ""), body.get("variables") or {}, version)
            requested = request.cost()
        except GraphQLError as e:
            return 200, {"errors": [e.error]}
        name = request.operation.name.value if request.operation.name else ""
        if requested > MAX_QUERY_COST:
            with self.s.lock:
                self.d.costs.append({"operation": name, "requested": requested, "actual": None, "refused": True})
            return 200, {"errors": [{"message": f"Query cost is {requested}, which exceeds the single query max cost "
                                                f"limit ({MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/"
                                                "rate-limits for more information on how the\ncost of a query is "
                                                "calculated.\n\nTo query larger amounts of data with fewer limits, bulk "
                                                "operations should be used instead.\nSee https://shopify.dev/tutorials/"
                                                "perform-bulk-operations-with-admin-api for usage details.\n",
                                     "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                                    "maxCost": MAX_QUERY_COST,
                                                    "documentation": "https://shopify.dev/api/usage/limits#rate-limits"}}]}
        with self.s.lock:
            if not self.take(requested):
                return 200, {"errors": [{"message": "Throttled", "extensions": {
                    "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                    "extensions": self.cost(requested, None)}
            try:
                data, after = self.execute(request)
            except GraphQLError as e:
                self.refund_difference(requested, 0)
                return 200, {"errors": [e.error]}
            actual = min(requested, request.actual_cost(data))
            self.refund_difference(requested, actual)
            self.d.costs.append({"operation": name, "requested": requested, "actual": actual, "refused": False})
            answer = {"data": data, "extensions": self.cost(requested, actual)}
        for effect in after:  # webhooks go out once the lock is released
            effect()
        return 200, answer

    def allowed(self, scope):
        """Whether the token holds a scope (a write scope grants its read scope)."""
        return scope in self.d.scopes or (scope.startswith("read_") and "write_" + scope[5:] in self.d.scopes)

    def require(self, field, scope):
        if not self.allowed(scope):
            raise GraphQLError(f"Access denied for {field} field. Required access: `{scope}` access scope.",
                               "ACCESS_DENIED", documentation="https://shopify.dev/api/usage/access-scopes",
                               requiredAccess=f"`{scope}` access scope.")

    def execute(self, request):
        after = []
        root = {}
        needs = {"order": "read_orders", "orders": "read_orders", "refund": "read_orders", "refundCreate": "write_orders"}
        for field in request.root_fields():
            if field.name.value in needs:
                self.require(field.name.value, needs[field.name.value])
        for field in request.root_fields():
            name = field.name.value
            if name == "order":
                root[name] = lambda args: self.order_object(self.visible(args.get("id")))
            elif name == "orders":
                root[name] = lambda args: [self.order_object(o) for o in self.search(args.get("query") or "")]
            elif name == "refund":
                root[name] = lambda args: self.refund_by_id(args.get("id"))
            elif name == "currentAppInstallation":
                root[name] = {"id": "gid://shopify/AppInstallation/1",
                              "accessScopes": [{"handle": h, "description": h} for h in self.d.scopes]}
            elif name == "webhookSubscriptions":
                root[name] = lambda args: [self.subscription_object(x) for x in self.d.subscriptions
                                           if not args.get("topics") or x["topic"] in args["topics"]]
            elif name == "refundCreate":
                root[name] = lambda args: self.refund_create(request, args, after)
            elif name == "webhookSubscriptionCreate":
                root[name] = lambda args: self.subscribe(request, args)
        return request.project(root, request.operation.selection_set, request.root_type), after

    # --- reads ------------------------------------------------------------------------------------------------

    def visible(self, gid):
        """The order a gid names, if the token may see it: without read_all_orders, orders older than 60 days
        read as if they did not exist ([B]: an error would be more helpful; null is the less convenient reading)."""
        order = self.d.orders.get(str(gid or "").split("/")[-1])
        if order is None:
            return None
        if not self.allowed("read_all_orders") and order["createdAt"] < time.time() - VISIBLE_DAYS * DAY:
            return None
        return order

    def search(self, query):
        """orders(query:) with the filters the product sends: updated_at:>='<time>' and id:<n>, oldest first."""
        m = re.search(r"updated_at:>=?'?([0-9T:.\-Z+]+)", query)
        since = m.group(1) if m else ""
        by_id = re.search(r"\bid:(\d+)", query)
        found = [o for o in self.d.orders.values() if iso(o["updatedAt"]) >= since[:19] + ("Z" if since else "")
                 and (not by_id or o["id"] == by_id.group(1))]
        found = [o for o in found if self.visible(o["id"]) is not None]
        return sorted(found, key=lambda o: (o["updatedAt"], int(o["id"])))

    def refund_by_id(self, gid):
        rid = str(gid or "").split("/")[-1]
        for order in self.d.orders.values():
            for refund in order["refunds"]:
                if refund["id"] == rid:
                    return self.refund_object(order, refund) if self.visible(order["id"]) else None
        return None

    def order_object(self, order):
        if order is None:
            return None
        cur = order["currency"]
        refunded = sum((Decimal(r["total"]) for r in order["refunds"]), Decimal("0"))
        return {"id": f"gid://shopify/Order/{order['id']}", "legacyResourceId": order["id"], "name": order["name"],
                "currencyCode": cur, "createdAt": iso(order["createdAt"]), "updatedAt": iso(order["updatedAt"]),
                "displayFinancialStatus": "PARTIALLY_REFUNDED" if refunded else "PAID",
                "totalRefundedSet": bag(refunded, cur),
                "totalPriceSet": bag(sum((Decimal(li["price"]) * li["quantity"] for li in order["lines"]), Decimal("0")), cur),
                "lineItems": [{"id": li["id"], "sku": li["sku"], "name": li["sku"], "quantity": li["quantity"],
                               "currentQuantity": li["quantity"] - li["refunded"],
                               "refundableQuantity": li["quantity"] - li["refunded"],
                               "originalUnitPriceSet": bag(li["price"], cur)} for li in order["lines"]],
                "transactions": [self.transaction_object(t, cur) for t in order["transactions"]],
                "refunds": [self.refund_object(order, r) for r in order["refunds"]]}

    @staticmethod
    def transaction_object(t, cur):
        return {"id": t["id"], "kind": t["kind"], "status": t.get("status", "SUCCESS"), "gateway": t["gateway"],
                "createdAt": t.get("createdAt"), "amountSet": bag(t["amount"], cur), "parentTransaction": None}

    def refund_object(self, order, r):
        cur = order["currency"]
        return {"id": f"gid://shopify/Refund/{r['id']}", "legacyResourceId": r["id"], "createdAt": r["createdAt"],
                "updatedAt": r["createdAt"], "note": r.get("note"), "processedAt": r.get("processedAt") or r["createdAt"],
                "order": lambda args: self.order_object(order),
                "totalRefundedSet": bag(r["total"], cur),
                "refundLineItems": [{"id": f"gid://shopify/RefundLineItem/{r['id']}{i}", "quantity": li["quantity"],
                                     "restockType": "NO_RESTOCK", "restocked": False,
                                     "lineItem": {"id": li["lineItemId"], "sku": li["sku"], "name": li["sku"],
                                                  "quantity": li.get("ordered", li["quantity"])},
                                     "priceSet": bag(Decimal(li["subtotal"]) / li["quantity"], cur),
                                     "subtotalSet": bag(li["subtotal"], cur), "totalTaxSet": bag(li.get("tax", "0"), cur)}
                                    for i, li in enumerate(r["lines"])],
                "refundShippingLines": [{"id": f"gid://shopify/RefundShippingLine/{r['id']}",
                                         "subtotalAmountSet": bag(r["shipping"], cur),
                                         "taxAmountSet": bag(r.get("shipping_tax") or "0", cur)}] if r.get("shipping") else [],
                "transactions": [dict(self.transaction_object(dict(t, kind="REFUND"), cur),
                                      parentTransaction={"id": t["parentId"]}) for t in r["transactions"]],
                "orderAdjustments": []}

    def subscription_object(self, x):
        return {"id": x["id"], "topic": x["topic"], "format": "JSON", "uri": x["uri"],
                "endpoint": {"callbackUrl": x["uri"]}}

    # --- mutations ----------------------------------------------------------------------------------------------

    def subscribe(self, request, args):
        sub = args.get("webhookSubscription") or {}
        for key in sub:
            since = INPUTS["WebhookSubscriptionInput"].get(key, "9999-99")
            if since is not None and request.version < since:
                raise GraphQLError(f"Variable $webhookSubscription of type WebhookSubscriptionInput! was provided invalid "
                                   f"value for {key} (Field is not defined on WebhookSubscriptionInput)", "INVALID_VARIABLE")
        uri = sub.get("uri") or sub.get("callbackUrl")
        topic = args.get("topic")
        if any(x["topic"] == topic and x["uri"] == uri for x in self.d.subscriptions):
            return {"webhookSubscription": None, "userErrors": [
                {"field": ["webhookSubscription", "callbackUrl"], "message": "Address for this topic has already been taken"}]}
        new = {"id": f"gid://shopify/WebhookSubscription/{self.s.new_id()}", "topic": topic, "uri": uri}
        self.d.subscriptions.append(new)
        return {"webhookSubscription": self.subscription_object(new), "userErrors": []}

    def refundable(self, order):
        return sum((Decimal(t["amount"]) for t in order["transactions"] if t["kind"] in ("SALE", "CAPTURE")), Decimal("0")) \
            - sum((Decimal(r["total"]) for r in order["refunds"]), Decimal("0"))

    def refund_create(self, request, args, after):
        key = request.idempotency_key("refundCreate")
        if not key and request.version >= IDEMPOTENT_REQUIRED:
            raise GraphQLError("The @idempotent directive is required for this mutation.", "BAD_REQUEST")
        if key in self.d.idempotent:  # same key: the first result again, nothing new
            return self.d.idempotent[key]
        inp = args.get("input") or {}
        for name in ("refundLineItems", "transactions", "shipping"):
            if isinstance(inp.get(name), list) and len(inp[name]) > 250:
                raise GraphQLError(f"The input array size of {len(inp[name])} is greater than the maximum allowed of 250.",
                                   "MAX_INPUT_SIZE_EXCEEDED")
        order = self.visible(inp.get("orderId"))
        if order is None:
            return {"refund": None, "userErrors": [{"field": ["orderId"], "message": "Order does not exist"}]}
        errors, lines = [], []
        for rli in inp.get("refundLineItems") or []:
            li = next((x for x in order["lines"] if x["id"] == rli["lineItemId"]), None)
            if li is None or rli["quantity"] > li["quantity"] - li["refunded"]:
                errors.append({"field": ["refundLineItems"], "message": "Quantity cannot refund more items than were purchased"})
            else:
                lines.append((li, rli["quantity"]))
        total = sum((Decimal(str(t["amount"])) for t in inp.get("transactions") or []), Decimal("0"))
        if total > self.refundable(order):
            errors.append({"field": ["transactions"], "message": "Refund amount exceeds the refundable amount"})
        for t in inp.get("transactions") or []:
            if not any(p["id"] == t.get("parentId") for p in order["transactions"]):
                errors.append({"field": ["transactions", "parentId"], "message": "Parent transaction does not exist"})
        if errors:
            return {"refund": None, "userErrors": errors}
        for li, qty in lines:
            li["refunded"] += qty
        refund = {"id": self.s.new_id(), "createdAt": iso(time.time()), "note": inp.get("note"), "total": money(total),
                  "lines": [{"lineItemId": li["id"], "sku": li["sku"], "quantity": q,
                             "subtotal": money(Decimal(li["price"]) * q)} for li, q in lines],
                  "transactions": [{"id": f"gid://shopify/OrderTransaction/{self.s.new_id()}", "amount": money(t["amount"]),
                                    "gateway": t.get("gateway", ""), "parentId": t.get("parentId", ""),
                                    "status": self.d.refund_status} for t in inp.get("transactions") or []]}
        order["refunds"].append(refund)
        order["updatedAt"] = time.time()
        result = {"refund": self.refund_object(order, refund), "order": self.order_object(order), "userErrors": []}
        if key:
            self.d.idempotent[key] = result
        after.append(lambda: refund_webhook(self.s, order, refund))  # our own refund comes back, as on Shopify
        return result

    # --- control ------------------------------------------------------------------------------------------------

    def seed_order(self, body):
        """{order_id, currency, shop, account, line_items: [{sku, quantity, price}], paid, age_days}: a paid order,
        created age_days ago (default now)."""
        oid = str(body["order_id"])
        lines = [{"id": f"gid://shopify/LineItem/{oid}{i}", "sku": li["sku"], "quantity": int(li["quantity"]),
                  "price": money(li["price"]), "refunded": 0} for i, li in enumerate(body.get("line_items", []))]
        paid = body.get("paid") or sum((Decimal(li["price"]) * li["quantity"] for li in lines), Decimal("0"))
        created = time.time() - float(body.get("age_days", 0)) * DAY
        order = {"id": oid, "name": f"#{oid}", "currency": body.get("currency", "USD"), "shop": body.get("shop", ""),
                 "account": body.get("account", "shop-main"), "createdAt": created, "updatedAt": time.time(),
                 "lines": lines, "refunds": [],
                 "transactions": [{"id": f"gid://shopify/OrderTransaction/{oid}1", "kind": "SALE",
                                   "gateway": "shopify_payments", "amount": money(paid), "createdAt": iso(created)}]}
        with self.s.lock:
            self.d.orders[oid] = order
            return 200, self.order_object(order)

    def make_refund(self, order, body):
        """A merchant refunds in Shopify's admin: {lines: [{sku, quantity, subtotal?, tax?}], shipping,
        shipping_tax, refund_id, created_at, total, transaction_status}. Lines without a subtotal are refunded at their
        price; the refund transaction's status is SUCCESS unless given (PENDING: the gateway has not decided; settle
        it with the settings' settle_pending). [B] totalRefundedSet counts the refund's transactions whatever their
        status (not documented): the product must not read it as money returned."""
        cur_lines, total = [], Decimal("0")
        for want in body.get("lines", []):
            li = next((x for x in order["lines"] if x["sku"] == want["sku"]), None)
            if li is None:  # a refund of a line the seed did not name: the order gains it
                li = {"id": f"gid://shopify/LineItem/{order['id']}{len(order['lines'])}", "sku": want["sku"],
                      "quantity": int(want["quantity"]), "price": money(Decimal(str(want.get("subtotal", "0"))) /
                                                                        max(1, int(want["quantity"]))), "refunded": 0}
                order["lines"].append(li)
            li["refunded"] += int(want["quantity"])
            subtotal = Decimal(str(want["subtotal"])) if "subtotal" in want else Decimal(li["price"]) * int(want["quantity"])
            tax = Decimal(str(want.get("tax", "0")))
            total += subtotal + tax
            cur_lines.append({"lineItemId": li["id"], "sku": li["sku"], "quantity": int(want["quantity"]),
                              "subtotal": money(subtotal), "tax": money(tax), "ordered": li["quantity"]})
        shipping = Decimal(str(body["shipping"])) if body.get("shipping") else None
        shipping_tax = Decimal(str(body.get("shipping_tax") or "0"))
        if shipping:
            total += shipping + shipping_tax
        if body.get("total") is not None:
            total = Decimal(str(body["total"]))
        refund = {"id": str(body.get("refund_id") or self.s.new_id()), "createdAt": body.get("created_at") or iso(time.time()),
                  "processedAt": body.get("processed_at"),
                  "note": body.get("note", "refunded in Shopify"), "total": money(total), "lines": cur_lines,
                  "shipping": money(shipping) if shipping else None, "shipping_tax": money(shipping_tax),
                  "transactions": [{"id": f"gid://shopify/OrderTransaction/{self.s.new_id()}", "amount": money(total),
                                    "gateway": "shopify_payments", "parentId": order["transactions"][0]["id"],
                                    "status": body.get("transaction_status", "SUCCESS")}] if total else []}
        order["refunds"] = [r for r in order["refunds"] if r["id"] != refund["id"]] + [refund]
        order["updatedAt"] = time.time()
        return refund

    def control(self, method, path, body):
        d = self.d
        if path == "/_control/shopify/orders" and method == "POST":
            return self.seed_order(body)
        m = re.fullmatch(r"/_control/shopify/orders/(\d+)/refunds", path)
        if m and method == "POST":
            with self.s.lock:
                order = d.orders.get(m.group(1))
                if order is None:
                    if not body.get("create_order"):
                        return 404, {"error": "no such order"}
                    self.seed_order({"order_id": m.group(1), "account": body.get("account", "shop-main"),
                                     "currency": body.get("currency", "USD"),
                                     "paid": body.get("paid", "100000.00"), "age_days": body.get("age_days", 0)})
                    order = d.orders[m.group(1)]
                refund = self.make_refund(order, body)
            sent = refund_webhook(self.s, order, refund) if body.get("send_webhook", True) else None
            return 200, {"refund_id": refund["id"], "webhook_status": sent}
        m = re.fullmatch(r"/_control/shopify/orders/(\d+)", path)
        if m and method == "GET":
            with self.s.lock:
                order = d.orders.get(m.group(1))
                return (200, self.order_object(order)) if order else (404, {"error": "no such order"})
        if path == "/_control/shopify/costs" and method == "GET":
            with self.s.lock:
                return 200, {"costs": list(d.costs)}
        if path == "/_control/shopify/settings" and method == "POST":
            return self.settings(body)
        return None

    def settings(self, body):
        """{maximum_available, restore_rate, currently_available}: the cost bucket (plans differ: 100 to 2000 points
        a second); scopes: the app's granted access scopes; webhook_api_version: the app's webhook version;
        refund_transaction_status (+ settle_pending): what the gateway says of refunds made from now on."""
        d = self.d
        with self.s.lock:
            if {"maximum_available", "restore_rate", "currently_available"} & body.keys():
                b = d.bucket
                b["maximum"] = float(body.get("maximum_available", b["maximum"]))
                b["restore_rate"] = float(body.get("restore_rate", b["restore_rate"]))
                b["available"], b["at"] = float(body.get("currently_available", b["maximum"])), time.time()
            if "scopes" in body:
                d.scopes = list(body["scopes"])
            if "webhook_api_version" in body:
                d.webhook_api_version = str(body["webhook_api_version"])
            d.refund_status = str(body.get("refund_transaction_status", d.refund_status))
            if body.get("settle_pending"):
                for order in d.orders.values():
                    for refund in order["refunds"]:
                        for t in refund.get("transactions", []):
                            if t.get("status") == "PENDING":
                                t["status"] = d.refund_status
        return 200, {"ok": True}


def refund_payload(order, refund, version):
    """The refunds/create body in the app's webhook API version. From 2024-10 order_adjustments carry no `kind` and
    refunded shipping is not in the payload at all (changelog "Exposing the order adjustments connection on a
    Refund"); before, shipping was a negative order adjustment of kind shipping_refund."""
    cur = order["currency"]
    adjustments = []
    if refund.get("shipping") and version < "2024-10":
        adjustments.append({"id": int(refund["id"]) * 10, "order_id": int(order["id"]), "refund_id": int(refund["id"]),
                            "amount": "-" + refund["shipping"], "tax_amount": "-" + (refund.get("shipping_tax") or "0.00"),
                            "kind": "shipping_refund", "reason": "Shipping refund"})
    return {
        "id": int(refund["id"]), "order_id": int(order["id"]), "created_at": refund["createdAt"],
        "note": refund.get("note"), "restock": False, "processed_at": refund["createdAt"],
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund['id']}",
        "refund_line_items": [{"id": i + 1, "line_item_id": int(li["lineItemId"].split("/")[-1]), "quantity": li["quantity"],
                               "restock_type": "no_restock", "subtotal": float(li["subtotal"]),
                               "total_tax": float(li.get("tax") or 0), "line_item": {"sku": li["sku"]}}
                              for i, li in enumerate(refund["lines"])],
        "transactions": [{"id": int(t["id"].split("/")[-1]), "kind": "refund", "status": t.get("status", "SUCCESS").lower(),
                          "amount": t["amount"], "currency": cur, "parent_id": int(t["parentId"].split("/")[-1]),
                          "gateway": t["gateway"]} for t in refund["transactions"]],
        "order_adjustments": adjustments}


def refund_webhook(s, order, refund):
    """refunds/create as Shopify sends it: the app's webhook API version, signed with the app secret."""
    a = s.args
    if not a.shopify_webhook_url:
        return None
    version = s.shopify.webhook_api_version
    body = json.dumps(refund_payload(order, refund, version)).encode()
    sig = base64.b64encode(hmac.new(a.shopify_webhook_secret.encode(), body, hashlib.sha256).digest()).decode()
    return send_webhook(s, a.shopify_webhook_url.rstrip("/") + "/" + order.get("account", "shop-main"), body, {
        "X-Shopify-Hmac-Sha256": sig, "X-Shopify-Topic": "refunds/create", "X-Shopify-Event-Id": secrets.token_hex(8),
        "X-Shopify-Webhook-Id": secrets.token_hex(8), "X-Shopify-Shop-Domain": order.get("shop", ""),
        "X-Shopify-API-Version": version, "Content-Type": "application/json"})
