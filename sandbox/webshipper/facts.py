"""What the Webshipper emulator assumes (see /work/shared/reference/webshipper.md).

Every behaviour the reference marks likely or uncertain is a constant here, so a test can show
what Hakobu does when the real service differs.
"""

from __future__ import annotations

#: Fixed page size of every listing (confirmed); `page[size]` is ignored.
PAGE_SIZE = 30

#: The JSON:API media type (likely).
MEDIA_TYPE = "application/vnd.api+json"

#: Order statuses (confirmed).
ORDER_STATUSES = (
    "pending",
    "dispatched",
    "partly_dispatched",
    "cancelled",
    "error",
    "missing_rate",
    "on_hold",
)

#: Webhook topics Webshipper offers (confirmed).
TOPICS = tuple(
    f"{kind}/{event}"
    for kind in ("order", "shipment", "return", "report", "trackingevent")
    for event in ("created", "updated", "deleted")
)

#: The sandbox's accounts: the `<account>` of `https://<account>.api.webshipper.io/v2/`, the API
#: token, its order channels and each channel's shipping rates. `lacks` lists the features the
#: account's subscription does not include (403 "not in your subscription").
ACCOUNTS: dict[str, dict] = {
    "hakobu-demo": {
        "token": "sandbox-ws-token",
        "channels": [
            {
                "label": "Hakobu API",
                "rates": ["GLS Business", "PostNord MyPack Collect", "DAO Direct"],
            },
            {"label": "Webshop", "rates": ["GLS Private", "Bring Home Delivery"]},
        ],
        "lacks": [],
    },
    "second-demo": {
        "token": "sandbox-ws-token-2",
        "channels": [{"label": "Hakobu API", "rates": ["PostNord Parcel", "GLS Business"]}],
        "lacks": [],
    },
}

#: Carriers the rates belong to: (id, carrier_type_name, carrier_alias, tracking URL template).
CARRIERS = (
    (1, "gls", "GLS", "https://gls-group.eu/track/{number}"),
    (2, "postnord", "PostNord", "https://tracking.postnord.com/{number}"),
    (3, "dao", "DAO", "https://dao.as/track/{number}"),
    (4, "bring", "Bring", "https://tracking.bring.com/{number}"),
)

#: The feature name a 403 names for each kind of call (uncertain: the real wording is unknown).
FEATURES = {"webhooks": "Webhooks", "orders": "API orders", "shipments": "Shipments"}
