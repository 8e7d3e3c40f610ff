"""The sandbox's eBay: OAuth (client credentials and refresh-token grants with scopes), the Sell Fulfillment API
(orders, getOrders, issue_refund with eBay's amount limits and, for EU/UK sellers, digital signatures), the
Notification API (config, destinations, subscriptions, public keys) and the control endpoints that seed them. Every
behaviour has a row in docs/vendor-fidelity.md naming its source; where eBay's documentation is unclear the sandbox
takes the reading least convenient for the client ([B]).
"""
import hashlib
import json
import re
import secrets
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import base64
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import ebay_signature

CENT = Decimal("0.01")
SCOPE = "https://api.ebay.com/oauth/api_scope"
FULFILLMENT, FULFILLMENT_READ = SCOPE + "/sell.fulfillment", SCOPE + "/sell.fulfillment.readonly"
FINANCES, NOTIFICATIONS = SCOPE + "/sell.finances", SCOPE + "/commerce.notification.subscription"
# Sellers domiciled here must sign issue_refund (eBay Sell Fulfillment OAS, OrderApi: "Digital Signatures is
# required ... EU/UK sellers, including issueRefund").
SIGNING_DOMICILES = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
                     "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "GB", "UK"}
# Topics a subscription must be made with a user token for ([B]: eBay asyncapi order_confirmation.yaml, release notes).
USER_TOPICS = {"ORDER_CONFIRMATION"}
NOTIFICATION_BASE = "https://api.ebay.com/commerce/notification/v1"


def money(value):
    return str(Decimal(str(value)).quantize(CENT))


def now_iso():
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % int(now * 1000 % 1000)


def amount(value, currency):
    return {"value": money(value), "currency": currency}


def error(status, error_id, message, domain="API_FULFILLMENT", long_message=None):
    entry = {"errorId": error_id, "domain": domain, "category": "REQUEST", "message": message}
    if long_message:
        entry["longMessage"] = long_message
    return status, {"errors": [entry]}


class EbayData:
    """Orders, tokens, keys and notification settings; guarded by the sandbox's lock."""

    def __init__(self, args):
        self.orders = {}           # orderId -> order
        self.tokens = {}           # access token -> {"kind": app|user, "scopes": set}
        self.keys = {}             # notification kid -> (private key, public PEM)
        self.notification = {"config": None, "destinations": [], "subscriptions": []}
        # What the seller consented to when the refresh token was made: a user grant may ask for these only.
        self.consented = {FULFILLMENT, FINANCES, NOTIFICATIONS}
        self.seller_domicile = "US"
        self.settle_ms = 0         # how long an issued refund stays PENDING (it settles on the first read after)


class Ebay:
    def __init__(self, state):
        self.s = state
        self.d = state.ebay

    # --- OAuth -------------------------------------------------------------------------------------------------

    def token(self, headers, form):
        a = self.s.args
        expected = "Basic " + base64.b64encode(f"{a.ebay_client_id}:{a.ebay_client_secret}".encode()).decode()
        if headers.get("authorization") != expected:
            return 401, {"error": "invalid_client", "error_description": "client authentication failed"}
        grant = form.get("grant_type")
        asked = set((form.get("scope") or "").split())
        if grant == "client_credentials":
            kind, scopes = "app", {SCOPE}
        elif grant == "refresh_token" and form.get("refresh_token") == a.ebay_refresh_token:
            kind = "user"
            with self.s.lock:
                if not asked <= self.d.consented:
                    # eBay: a refresh grant may only ask for scopes the seller consented to.
                    return 400, {"error": "invalid_scope",
                                 "error_description": "The requested scope is invalid, unknown, malformed, or exceeds "
                                                      "the scope granted to the client"}
                scopes = asked or set(self.d.consented)
        else:
            return 400, {"error": "invalid_grant", "error_description": "the provided authorization grant is invalid"}
        token = "v^1.1#" + secrets.token_urlsafe(16)
        with self.s.lock:
            self.d.tokens[token] = {"kind": kind, "scopes": scopes}
        return 200, {"access_token": token, "expires_in": 7200,
                     "token_type": "Application Access Token" if kind == "app" else "User Access Token"}

    def token_of(self, headers):
        auth = headers.get("authorization", "")
        with self.s.lock:
            return self.d.tokens.get(auth[7:]) if auth.startswith("Bearer ") else None

    @staticmethod
    def insufficient_scope():
        # [B] text: eBay's common "Insufficient permissions" error for a token lacking the operation's scope.
        return error(403, 1100, "Access denied", domain="ACCESS",
                     long_message="Insufficient permissions to fulfill the request.")

    # --- Fulfillment -------------------------------------------------------------------------------------------

    def order(self, oid):
        with self.s.lock:
            order = self.d.orders.get(oid)
            snapshot = json.loads(json.dumps(order)) if order else None
            if order:  # PENDING refunds complete once seen after settle_ms (eBay processes them asynchronously)
                for refund in order["paymentSummary"]["refunds"]:
                    if refund["refundStatus"] == "PENDING" and \
                            time.time() * 1000 - refund.get("_issued_ms", 0) >= self.d.settle_ms:
                        refund["refundStatus"] = "REFUNDED"
            return snapshot

    def issue_refund(self, oid, body, raw, headers, path):
        """Asynchronous on eBay: the refund starts PENDING and shows REFUNDED on a later read of the order. Refused
        beyond what the order (34915) or a line item (34924) can still refund; unsigned or badly signed for a seller
        domiciled in the EU or the UK."""
        with self.s.lock:
            signing = self.d.seller_domicile.upper() in SIGNING_DOMICILES
        if signing:
            problem = ebay_signature.verify(headers, "POST", path, headers.get("host", ""), raw)
            if problem:
                return 403, {"errors": [problem]}
        with self.s.lock:
            order = self.d.orders.get(oid)
            if order is None:
                return error(404, 34913, "Can not find the order.")
            cur = order["pricingSummary"]["total"]["currency"]
            total = Decimal(order["pricingSummary"]["total"]["value"])
            done = sum((Decimal(r["amount"]["value"]) for r in order["paymentSummary"]["refunds"]
                        if r["refundStatus"] != "FAILED"), Decimal("0")) + \
                sum((Decimal(r["amount"]["value"]) for li in order["lineItems"] for r in li["refunds"] if "amount" in r),
                    Decimal("0"))
            items = body.get("refundItems") or []
            requested = sum((Decimal(i["refundAmount"]["value"]) for i in items), Decimal("0")) if items else \
                Decimal(body.get("orderLevelRefundAmount", {}).get("value", "0"))
            if requested <= 0:
                return error(400, 34907, "Invalid refund amount.")
            if any(r["refundStatus"] == "PENDING" for r in order["paymentSummary"]["refunds"]):
                return error(400, 34922, "Refund can't be issued while previous refund is processing.")
            if done >= total:
                return error(400, 34917, "The order has already been fully refunded.")
            if requested + done > total:
                return error(400, 34915, "The refund amount exceeds order amount.")
            for item in items:
                li = next((x for x in order["lineItems"] if x["lineItemId"] == item["lineItemId"]), None)
                if li is None:
                    return error(400, 34914, "Can't find the item in the order.")
                item_done = sum((Decimal(r["amount"]["value"]) for r in li["refunds"] if "amount" in r), Decimal("0"))
                if Decimal(item["refundAmount"]["value"]) + item_done > Decimal(li["total"]["value"]):
                    return 409, {"errors": [{"errorId": 34924, "domain": "API_FULFILLMENT", "category": "BUSINESS",
                                             "message": "The item refund amount exceeds the item remaining amount."}]}
            refund_id = "5" + self.s.new_id() + secrets.token_hex(3).upper()
            date = now_iso()
            if items:  # a line-item refund is listed on its line only, without a status (OAS, OrderRefund.refundId)
                for item in items:
                    for li in order["lineItems"]:
                        if li["lineItemId"] == item["lineItemId"]:
                            li["refunds"].append({"refundId": refund_id, "amount": item["refundAmount"], "refundDate": date})
            else:
                order["paymentSummary"]["refunds"].append(
                    {"refundId": refund_id, "refundStatus": "PENDING", "amount": amount(requested, cur),
                     "refundDate": date, "refundReferenceId": refund_id, "_issued_ms": time.time() * 1000})
            order["lastModifiedDate"] = now_iso()
        return 200, {"refundId": refund_id, "refundStatus": "PENDING"}

    def search(self, query):
        """getOrders by lastmodifieddate, oldest first; it reaches back two years (E6: older starts are refused)."""
        flt = query.get("filter", [""])[0]
        m = re.search(r"lastmodifieddate:\[([^\]]*?)\.\.([^\]]*)\]", flt)
        start = m.group(1) if m else ""
        if start:
            try:
                began = datetime.fromisoformat(start.replace("Z", "+00:00"))
            except ValueError:
                return error(400, 30800, "Invalid filter value for lastmodifieddate.")
            if began < datetime.now(timezone.utc) - timedelta(days=730):
                return error(400, 30830, "Time range between start date and end date must be within '2' years.")
        limit = min(int(query.get("limit", ["50"])[0]), 200)
        offset = int(query.get("offset", ["0"])[0])
        with self.s.lock:
            orders = sorted((o for o in self.d.orders.values() if o["lastModifiedDate"] >= start),
                            key=lambda o: o["lastModifiedDate"])
        page = orders[offset:offset + limit]
        out = {"href": "", "limit": limit, "offset": offset, "total": len(orders), "orders": page, "warnings": []}
        if offset + limit < len(orders):
            out["next"] = f"/sell/fulfillment/v1/order?filter={urllib.parse.quote(flt)}&limit={limit}&offset={offset + limit}"
        return 200, out

    # --- Notification API --------------------------------------------------------------------------------------

    def notification_api(self, token, method, path, raw):
        """config (alert e-mail), destinations (validated with the endpoint challenge, as eBay does before enabling
        one) and subscriptions. Creating answers 201 with the id only in Location (E4). Returns (status, body,
        headers)."""
        body = json.loads(raw) if raw else {}
        n = self.d.notification
        if path == "/config":
            if method == "PUT":
                n["config"] = {"alertEmail": body.get("alertEmail")}
                return 204, None, {}
            return (200, n["config"], {}) if n["config"] else (404, {"errors": [{"errorId": 195026, "message": "Configuration Not Found."}]}, {})
        if path == "/destination":
            if method == "GET":
                return 200, {"total": len(n["destinations"]), "destinations": n["destinations"]}, {}
            if not n["config"]:
                return 409, {"errors": [{"errorId": 195003, "message": "Please provide configurations required for "
                                                                      "notifications. Refer to /config"}]}, {}
            endpoint = body.get("deliveryConfig", {}).get("endpoint", "")
            verification = body.get("deliveryConfig", {}).get("verificationToken", "")
            if any(d["deliveryConfig"]["endpoint"] == endpoint for d in n["destinations"]):
                return 409, {"errors": [{"errorId": 195021, "message": "destination already exists"}]}, {}
            code = secrets.token_hex(16)
            try:
                with urllib.request.urlopen(endpoint + "?challenge_code=" + code, timeout=5) as r:
                    answer = json.loads(r.read()).get("challengeResponse")
            except Exception:
                answer = None
            if answer != hashlib.sha256((code + verification + endpoint).encode()).hexdigest():
                return 409, {"errors": [{"errorId": 195020, "message": "Challenge verification failed for requested endpoint"}]}, {}
            dest = {"destinationId": self.s.new_id(), "name": body.get("name"), "status": "ENABLED",
                    "deliveryConfig": {"endpoint": endpoint, "verificationToken": "********"}}
            n["destinations"].append(dest)
            return 201, None, {"Location": f"{NOTIFICATION_BASE}/destination/{dest['destinationId']}"}
        if path == "/subscription":
            if method == "GET":
                return 200, {"total": len(n["subscriptions"]), "subscriptions": n["subscriptions"]}, {}
            topic = body.get("topicId")
            if not n["config"]:
                return 409, {"errors": [{"errorId": 195003, "message": "Please provide configurations required for "
                                                                      "notifications. Refer to /config"}]}, {}
            if topic in USER_TOPICS and (token["kind"] != "user" or NOTIFICATIONS not in token["scopes"]):
                return 403, {"errors": [{"errorId": 195011, "domain": "API_NOTIFICATION", "category": "REQUEST",
                                         "message": "Not authorized for this topic.",
                                         "longMessage": f"{topic} needs a user access token with the "
                                                        "commerce.notification.subscription scope."}]}, {}
            if any(x["topicId"] == topic and x["destinationId"] == body.get("destinationId") for x in n["subscriptions"]):
                return 409, {"errors": [{"errorId": 195012, "message": "subscription already exists"}]}, {}
            sub = {"subscriptionId": self.s.new_id(), "topicId": topic, "status": body.get("status", "ENABLED"),
                   "destinationId": body.get("destinationId"), "payload": body.get("payload")}
            n["subscriptions"].append(sub)
            return 201, None, {"Location": f"{NOTIFICATION_BASE}/subscription/{sub['subscriptionId']}"}
        return 404, {"errors": [{"errorId": 2002, "message": "Resource not found"}]}, {}

    # --- control -----------------------------------------------------------------------------------------------

    def seed_order(self, body):
        """{order_id, currency, line_items: [{line_item_id, sku, quantity, price (unit)}], shipping, tax}: a paid
        order as eBay shows it (E1): lineItemCost = unit price x quantity; pricingSummary {priceSubtotal, deliveryCost,
        tax, total}; each line's total carries its share of shipping and tax (the first line all of it)."""
        cur = body.get("currency", "USD")
        shipping, tax = Decimal(str(body.get("shipping") or "0")), Decimal(str(body.get("tax") or "0"))
        items = []
        for i, li in enumerate(body.get("line_items", [])):
            cost = Decimal(str(li["price"])) * int(li["quantity"])
            line_shipping, line_tax = (shipping, tax) if i == 0 else (Decimal("0"), Decimal("0"))
            items.append({"lineItemId": li["line_item_id"], "legacyItemId": li["line_item_id"], "sku": li["sku"],
                          "quantity": int(li["quantity"]), "lineItemCost": amount(cost, cur),
                          "deliveryCost": {"shippingCost": amount(line_shipping, cur)},
                          "taxes": [{"amount": amount(line_tax, cur), "taxType": "STATE_SALES_TAX"}] if line_tax else [],
                          "total": amount(cost + line_shipping + line_tax, cur), "refunds": []})
        subtotal = sum((Decimal(i["lineItemCost"]["value"]) for i in items), Decimal("0"))
        total = subtotal + shipping + tax
        order = {"orderId": body["order_id"], "legacyOrderId": body["order_id"], "creationDate": now_iso(),
                 "lastModifiedDate": now_iso(), "orderPaymentStatus": "PAID",
                 "pricingSummary": {"priceSubtotal": amount(subtotal, cur), "deliveryCost": amount(shipping, cur),
                                    "tax": amount(tax, cur), "total": amount(total, cur)},
                 "paymentSummary": {"payments": [{"paymentStatus": "PAID", "amount": amount(total, cur)}],
                                    "refunds": [], "totalDueSeller": amount(total, cur)},
                 "lineItems": items}
        with self.s.lock:
            self.d.orders[body["order_id"]] = order
        return 200, order

    def control(self, method, path, body):
        d = self.d
        if path == "/_control/ebay/orders" and method == "POST":
            return self.seed_order(body)
        m = re.fullmatch(r"/_control/ebay/orders/([\w-]+)", path)
        if m and method == "GET":
            with self.s.lock:
                order = d.orders.get(m.group(1))
                return (200, order) if order else (404, {"error": "no such order"})
        m = re.fullmatch(r"/_control/ebay/orders/([\w-]+)/refunds", path)
        if m and method == "POST":
            # {amount, line_item_id?, refund_id?, refund_date?}: a refund made on eBay (order-level, or of one line).
            # amount_as_sent {value, currency} replaces the amount as written, unchecked: a malformed answer, for
            # the tests that the product never books an amount that is not money; null leaves the amount out, as
            # eBay does for a line's refund until the buyer is due one (OAS, LineItemRefund.amount).
            with self.s.lock:
                order = d.orders.get(m.group(1))
                if order is None:
                    return 404, {"error": "no such order"}
                cur = order["pricingSummary"]["total"]["currency"]
                refund_id = body.get("refund_id") or "5" + self.s.new_id() + secrets.token_hex(3).upper()
                date = body.get("refund_date") or now_iso()
                value = body["amount_as_sent"] if "amount_as_sent" in body else amount(body["amount"], cur)
                if body.get("line_item_id"):  # listed on its line only (OAS, OrderRefund.refundId)
                    for li in order["lineItems"]:
                        if li["lineItemId"] == body["line_item_id"]:
                            entry = {"refundId": refund_id, "refundDate": date}
                            if value is not None:
                                entry["amount"] = value
                            li["refunds"].append(entry)
                else:
                    order["paymentSummary"]["refunds"].append({"refundId": refund_id, "refundStatus": "REFUNDED",
                                                               "amount": value, "refundDate": date,
                                                               "refundReferenceId": refund_id})
                order["lastModifiedDate"] = now_iso()
                order["orderPaymentStatus"] = "PARTIALLY_REFUNDED"
            return 200, {"refund_id": refund_id}
        if path == "/_control/ebay/keys" and method == "POST":
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            with self.s.lock:
                d.keys[body["kid"]] = (key, pem)
            priv = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
            return 200, {"kid": body["kid"], "private_key": priv}
        if path == "/_control/ebay/signing_keys" and method == "POST":
            # {cipher: ED25519|RSA}: what eBay's Key Management API createSigningKey gives a seller: a key pair and
            # the JWE that names its public key to eBay.
            return 200, ebay_signature.new_signing_key(body.get("cipher", "ED25519"))
        if path == "/_control/ebay/settings" and method == "POST":
            # {seller_domicile: "DE"}: where the seller is domiciled (EU/UK sellers must sign issue_refund);
            # {consented_scopes: [...]}: what the seller consented to (a refresh grant may ask for these only);
            # {settle_ms}: how long an issued refund stays PENDING (another refund meanwhile: 34922).
            with self.s.lock:
                if "seller_domicile" in body:
                    d.seller_domicile = str(body["seller_domicile"])
                if "consented_scopes" in body:
                    d.consented = set(body["consented_scopes"])
                if "settle_ms" in body:
                    d.settle_ms = int(body["settle_ms"])
            return 200, {"ok": True}
        return None
