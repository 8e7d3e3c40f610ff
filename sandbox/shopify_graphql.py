"""The sandbox's Shopify GraphQL engine: a schema of the Admin API types the product reads, checked per API
version; the requested query cost computed before running, as Shopify documents it; and execution by projecting
the query's selection onto plain Python values. Every behaviour has a row in docs/vendor-fidelity.md with its source.

Cost (shopify.dev "Shopify API rate limits", GraphQL Admin API: "Every field in the schema has an integer cost
value"; Shopify Engineering, "Rate limiting GraphQL APIs by calculating query complexity"):
  scalar and enum 0, object 1, connection 2 + first/last x the cost of one node (nested connections multiply
  again), mutation 10 (plus what its payload selects: the less convenient reading). A query over 1000 is refused
  before it runs (MAX_COST_EXCEEDED), whatever the bucket holds. pageInfo counts as an object; a list field that
  takes `first` but is sent without it counts as 250 elements [B].
Parsing uses graphql-core (Debian's python3-graphql-core 2.x, or 3.x); only its syntax tree is used.
"""
import base64

from graphql.language.parser import parse as parse_document

MAX_QUERY_COST = 1000
UNBOUNDED_LIST = 250  # [B] what a list sent without `first` counts as
MUTATION_COST = 10

# Kinds of field. A field spec is (kind, type, arguments, since_version); arguments are the names it accepts.
SCALAR, OBJECT, CONNECTION, LIST = "scalar", "object", "connection", "list"


def f(kind=SCALAR, type_=None, args=(), since=None):
    return (kind, type_, tuple(args), since)


MONEY_BAG = f(OBJECT, "MoneyBag")
CONNECTION_ARGS = ("first", "last", "after", "before", "reverse")

# The Admin API as the product uses it (shopify.dev/docs/api/admin-graphql, objects named below).
SCHEMA = {
    "QueryRoot": {
        "order": f(OBJECT, "Order", ["id"]),
        "orders": f(CONNECTION, "Order", CONNECTION_ARGS + ("query", "sortKey", "savedSearchId")),
        "refund": f(OBJECT, "Refund", ["id"]),
        "currentAppInstallation": f(OBJECT, "AppInstallation"),
        "webhookSubscriptions": f(CONNECTION, "WebhookSubscription", CONNECTION_ARGS + ("topics", "format", "uri")),
    },
    "Mutation": {
        "refundCreate": f(OBJECT, "RefundCreatePayload", ["input"]),
        "webhookSubscriptionCreate": f(OBJECT, "WebhookSubscriptionCreatePayload", ["topic", "webhookSubscription"]),
    },
    "Order": {
        "id": f(), "legacyResourceId": f(), "name": f(), "currencyCode": f(), "createdAt": f(), "updatedAt": f(),
        "displayFinancialStatus": f(), "totalRefundedSet": MONEY_BAG, "totalPriceSet": MONEY_BAG,
        "lineItems": f(CONNECTION, "LineItem", CONNECTION_ARGS),
        "transactions": f(LIST, "OrderTransaction", ["first", "capturable", "manuallyResolvable"]),
        "refunds": f(LIST, "Refund", ["first"]),
    },
    "LineItem": {"id": f(), "sku": f(), "name": f(), "quantity": f(), "refundableQuantity": f(),
                 "currentQuantity": f(), "originalUnitPriceSet": MONEY_BAG},
    "OrderTransaction": {"id": f(), "kind": f(), "status": f(), "gateway": f(), "createdAt": f(),
                         "amountSet": MONEY_BAG, "parentTransaction": f(OBJECT, "OrderTransaction")},
    "Refund": {
        "id": f(), "legacyResourceId": f(), "createdAt": f(), "updatedAt": f(), "note": f(),
        "processedAt": f(since="2026-01"),  # changelog "Set and retrieve processedAt in the refundCreate mutation"
        "order": f(OBJECT, "Order"), "totalRefundedSet": MONEY_BAG,
        "refundLineItems": f(CONNECTION, "RefundLineItem", CONNECTION_ARGS),
        "refundShippingLines": f(CONNECTION, "RefundShippingLine", CONNECTION_ARGS),
        "transactions": f(CONNECTION, "OrderTransaction", CONNECTION_ARGS),
        "orderAdjustments": f(CONNECTION, "OrderAdjustment", CONNECTION_ARGS, since="2024-10"),
    },
    "RefundLineItem": {"id": f(), "quantity": f(), "restockType": f(), "restocked": f(),
                       "lineItem": f(OBJECT, "LineItem"), "priceSet": MONEY_BAG, "subtotalSet": MONEY_BAG,
                       "totalTaxSet": MONEY_BAG},
    "RefundShippingLine": {"id": f(), "subtotalAmountSet": MONEY_BAG, "taxAmountSet": MONEY_BAG},
    "OrderAdjustment": {"id": f(), "reason": f(), "amountSet": MONEY_BAG, "taxAmountSet": MONEY_BAG},
    "MoneyBag": {"shopMoney": f(OBJECT, "MoneyV2"), "presentmentMoney": f(OBJECT, "MoneyV2")},
    "MoneyV2": {"amount": f(), "currencyCode": f()},
    "AppInstallation": {"id": f(), "accessScopes": f(LIST, "AccessScope")},
    "AccessScope": {"handle": f(), "description": f()},
    "WebhookSubscription": {"id": f(), "topic": f(), "format": f(), "uri": f(since="2025-10"),
                            "endpoint": f(OBJECT, "WebhookHttpEndpoint")},
    "WebhookHttpEndpoint": {"callbackUrl": f()},
    "RefundCreatePayload": {"refund": f(OBJECT, "Refund"), "order": f(OBJECT, "Order"),
                            "userErrors": f(LIST, "UserError")},
    "WebhookSubscriptionCreatePayload": {"webhookSubscription": f(OBJECT, "WebhookSubscription"),
                                         "userErrors": f(LIST, "UserError")},
    "UserError": {"field": f(), "message": f()},
    "PageInfo": {"hasNextPage": f(), "hasPreviousPage": f(), "startCursor": f(), "endCursor": f()},
}
# Input objects, field -> since version (WebhookSubscriptionInput.uri: changelog "consolidate webhook GraphQL
# surfaces", 2025-10).
INPUTS = {"WebhookSubscriptionInput": {"uri": "2025-10", "callbackUrl": None, "format": None,
                                       "includeFields": None, "metafieldNamespaces": None, "filter": None}}
IDEMPOTENT_SINCE, IDEMPOTENT_REQUIRED = "2026-01", "2026-04"  # Shopify changelog, 2026-01 and 2026-04


class GraphQLError(Exception):
    def __init__(self, message, code, **extra):
        super().__init__(message)
        self.error = {"message": message, "extensions": dict(code=code, **extra)}


def name_of(node):
    return node.name.value if getattr(node, "name", None) else None


def operation_kind(op):
    kind = getattr(op.operation, "value", op.operation)  # graphql-core 3 uses an enum, 2 a string
    return str(kind).lower()


def value_of(node, variables):
    """A literal or variable argument as a Python value."""
    kind = type(node).__name__.replace("Node", "")
    if kind == "Variable":
        return variables.get(node.name.value)
    if kind == "IntValue":
        return int(node.value)
    if kind == "FloatValue":
        return float(node.value)
    if kind == "BooleanValue":
        return bool(node.value)
    if kind == "NullValue":
        return None
    if kind == "ListValue":
        return [value_of(v, variables) for v in node.values]
    if kind == "ObjectValue":
        return {fld.name.value: value_of(fld.value, variables) for fld in node.fields}
    return node.value  # String, Enum


def arguments(node, variables):
    return {a.name.value: value_of(a.value, variables) for a in (node.arguments or [])}


class Request:
    """One parsed GraphQL request: its operation, fragments and variables, at an API version."""

    def __init__(self, query, variables, version):
        self.variables = variables or {}
        self.version = version
        try:
            document = parse_document(query)
        except Exception as e:  # GraphQLSyntaxError
            raise GraphQLError(str(e).split("\n")[0], "parseError")
        ops = [d for d in document.definitions if type(d).__name__.startswith("OperationDefinition")]
        self.fragments = {name_of(d): d for d in document.definitions if type(d).__name__.startswith("FragmentDefinition")}
        if len(ops) != 1:
            raise GraphQLError("An operation name is required" if ops else "No operations in the document", "missingOperation")
        self.operation = ops[0]
        self.kind = operation_kind(self.operation)
        self.root_type = "Mutation" if self.kind == "mutation" else "QueryRoot"

    def fields(self, selection_set, type_name):
        """The fields a selection set selects on a type, with fragments spread."""
        for sel in (selection_set.selections if selection_set else []):
            kind = type(sel).__name__.replace("Node", "")
            if kind == "Field":
                yield sel
            elif kind == "InlineFragment":
                on = sel.type_condition.name.value if sel.type_condition else type_name
                if on == type_name:
                    yield from self.fields(sel.selection_set, type_name)
            elif kind == "FragmentSpread":
                frag = self.fragments.get(sel.name.value)
                if frag is None:
                    raise GraphQLError(f"Fragment {sel.name.value} was used, but not defined", "useAndDefineFragment")
                if frag.type_condition.name.value == type_name:
                    yield from self.fields(frag.selection_set, type_name)

    # --- validation and cost -------------------------------------------------------------------------------

    def spec(self, type_name, field):
        name = field.name.value
        if name == "__typename":
            return f()
        spec = SCHEMA[type_name].get(name)
        if spec is None or (spec[3] and self.version < spec[3]):
            raise GraphQLError(f"Field '{name}' doesn't exist on type '{type_name}'", "undefinedField",
                               typeName=type_name, fieldName=name)
        for arg in field.arguments or []:
            if arg.name.value not in spec[2]:
                raise GraphQLError(f"Field '{name}' doesn't accept argument '{arg.name.value}'", "argumentNotAccepted",
                                   name=name, typeName="Field", argumentName=arg.name.value)
        if spec[0] != SCALAR and not field.selection_set:
            raise GraphQLError(f"Field must have selections (field '{name}' returns {spec[1]} but has no selections. "
                               f"Did you mean '{name} {{ ... }}'?)", "selectionMismatch", nodeName=f"field '{name}'")
        if spec[0] == SCALAR and field.selection_set:
            raise GraphQLError(f"Selections can't be made on scalars (field '{name}' returns a scalar but has "
                               f"selections [...])", "selectionMismatch", nodeName=f"field '{name}'")
        return spec

    def cost(self):
        """The requested cost of the whole operation; raises on unknown fields, arguments or sizes."""
        self.check_directives()
        total = self.selection_cost(self.operation.selection_set, self.root_type)
        if self.kind == "mutation":
            total += MUTATION_COST
        return total

    def selection_cost(self, selection_set, type_name):
        total = 0
        for field in self.fields(selection_set, type_name):
            kind, child, _, _ = self.spec(type_name, field)
            if kind == OBJECT:
                total += 1 + self.selection_cost(field.selection_set, child)
            elif kind == LIST:
                args = arguments(field, self.variables)
                size = args.get("first") if "first" in SCHEMA[type_name][field.name.value][2] else 1
                total += (size if size is not None else UNBOUNDED_LIST) * (1 + self.selection_cost(field.selection_set, child))
            elif kind == CONNECTION:
                total += self.connection_cost(field, child)
        return total

    def connection_cost(self, field, node_type):
        args = arguments(field, self.variables)
        size = args.get("first") if args.get("first") is not None else args.get("last")
        if size is None:
            raise GraphQLError("you must provide one of first or last", "missingRequiredArguments",
                               fieldName=field.name.value)
        if not 0 <= size <= 250:
            raise GraphQLError(f"The value of the argument `first` must be between 0 and 250 ({field.name.value})",
                               "argumentLiteralsIncompatible")
        per_node, once = 0, 0
        for sub in self.fields(field.selection_set, node_type + "Connection"):
            name = sub.name.value
            if name == "nodes":
                per_node = max(per_node, 1 + self.selection_cost(sub.selection_set, node_type))
            elif name == "edges":
                for edge_field in self.fields(sub.selection_set, node_type + "Edge"):
                    if edge_field.name.value == "node":
                        per_node = max(per_node, 1 + self.selection_cost(edge_field.selection_set, node_type))
                    elif edge_field.name.value != "cursor" and edge_field.name.value != "__typename":
                        raise GraphQLError(f"Field '{edge_field.name.value}' doesn't exist on type '{node_type}Edge'",
                                           "undefinedField")
            elif name == "pageInfo":
                once += 1 + self.selection_cost(sub.selection_set, "PageInfo")
            elif name != "__typename":
                raise GraphQLError(f"Field '{name}' doesn't exist on type '{node_type}Connection'", "undefinedField",
                                   typeName=node_type + "Connection", fieldName=name)
        return 2 + once + size * per_node

    def check_directives(self):
        for field in self.fields(self.operation.selection_set, self.root_type):
            for directive in field.directives or []:
                if directive.name.value != "idempotent":
                    raise GraphQLError(f"Directive @{directive.name.value} is not defined", "undefinedDirective")
                if self.version < IDEMPOTENT_SINCE:
                    raise GraphQLError("Directive @idempotent is not defined", "undefinedDirective")

    def idempotency_key(self, field_name):
        for field in self.fields(self.operation.selection_set, self.root_type):
            if field.name.value == field_name:
                for directive in field.directives or []:
                    if directive.name.value == "idempotent":
                        return arguments(directive, self.variables).get("key")
        return None

    def root_fields(self):
        return list(self.fields(self.operation.selection_set, self.root_type))

    # --- execution -------------------------------------------------------------------------------------------

    def project(self, value, selection_set, type_name):
        """The selection of `value` (a dict whose entries may be callables taking the field's arguments)."""
        if value is None:
            return None
        out = {}
        for field in self.fields(selection_set, type_name):
            key = field.alias.value if field.alias else field.name.value
            name = field.name.value
            if name == "__typename":
                out[key] = type_name
                continue
            kind, child, _, _ = SCHEMA[type_name][name]
            raw = value.get(name)
            args = arguments(field, self.variables)
            if callable(raw):
                raw = raw(args)
            if kind == SCALAR:
                out[key] = raw
            elif kind == OBJECT:
                out[key] = self.project(raw, field.selection_set, child)
            elif kind == LIST:
                items = raw or []
                if args.get("first") is not None:
                    items = items[:args["first"]]
                out[key] = [self.project(x, field.selection_set, child) for x in items]
            else:
                out[key] = self.page(raw or [], args, field, child)
        return out

    def page(self, items, args, field, node_type):
        start = cursor_index(args.get("after")) + 1 if args.get("after") else 0
        end = cursor_index(args.get("before")) if args.get("before") else len(items)
        window = list(enumerate(items))[start:end]
        if args.get("first") is not None:
            chosen = window[:args["first"]]
        else:
            chosen = window[max(0, len(window) - args["last"]):]
        out = {}
        for sub in self.fields(field.selection_set, node_type + "Connection"):
            key = sub.alias.value if sub.alias else sub.name.value
            if sub.name.value == "nodes":
                out[key] = [self.project(x, sub.selection_set, node_type) for _, x in chosen]
            elif sub.name.value == "edges":
                edges = []
                for i, x in chosen:
                    edge = {}
                    for ef in self.fields(sub.selection_set, node_type + "Edge"):
                        ek = ef.alias.value if ef.alias else ef.name.value
                        edge[ek] = cursor(i) if ef.name.value == "cursor" else self.project(x, ef.selection_set, node_type)
                    edges.append(edge)
                out[key] = edges
            elif sub.name.value == "pageInfo":
                info = {"hasNextPage": bool(chosen) and chosen[-1][0] < end - 1 if args.get("first") is not None
                        else bool(chosen) and chosen[-1][0] < len(items) - 1,
                        "hasPreviousPage": bool(chosen) and chosen[0][0] > 0,
                        "startCursor": cursor(chosen[0][0]) if chosen else None,
                        "endCursor": cursor(chosen[-1][0]) if chosen else None}
                out[key] = self.project(info, sub.selection_set, "PageInfo")
        return out

    def actual_cost(self, data, type_name=None, selection_set=None):
        """What the answer cost: as requested, with each connection sized by what it returned."""
        type_name = type_name or self.root_type
        selection_set = selection_set or self.operation.selection_set
        total = MUTATION_COST if type_name == "Mutation" else 0
        for field in self.fields(selection_set, type_name):
            if field.name.value == "__typename":
                continue
            kind, child, _, _ = SCHEMA[type_name][field.name.value]
            value = (data or {}).get(field.alias.value if field.alias else field.name.value)
            if kind == OBJECT and value is not None:
                total += 1 + self.actual_cost(value, child, field.selection_set)
            elif kind == LIST:
                total += sum(1 + self.actual_cost(x, child, field.selection_set) for x in value or [])
            elif kind == CONNECTION and value is not None:
                total += 2
                for sub in self.fields(field.selection_set, child + "Connection"):
                    part = value.get(sub.alias.value if sub.alias else sub.name.value)
                    if sub.name.value == "nodes":
                        total += sum(1 + self.actual_cost(x, child, sub.selection_set) for x in part or [])
                    elif sub.name.value == "pageInfo":
                        total += 1
        return total


def cursor(index):
    return base64.b64encode(f"sandbox-cursor:{index}".encode()).decode()


def cursor_index(text):
    try:
        return int(base64.b64decode(text).decode().split(":")[1])
    except Exception:
        raise GraphQLError(f"Invalid cursor for current pagination sort.", "argumentLiteralsIncompatible")
