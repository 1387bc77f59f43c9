"""ShipStation's API for modes 2 and 3: Hakobu pushes orders and polls labels, on V2 or V1.

- `clients`: `V1Client` / `V2Client` (`check`, `stores`, `warehouses`), `PushRefused`,
  `make_client`, the credential keys;
- `orders`: a delivery note as a V1 order or a V2 shipment;
- `pushers`: `OrderPusher` (`push`, `cancel`, `close`) and `make_pusher`;
- `sources`: the `ShipmentSource` of each version for the shared pull, and `make_source`.
What ShipStation may be wrong about lives in `integrations.shipstation.facts` ("API" block).
"""

from __future__ import annotations

from integrations.shipstation.api.clients import (
    V1,
    V1_API_KEY,
    V1_API_SECRET,
    V2,
    V2_API_KEY,
    PushRefused,
    Store,
    V1Client,
    V2Client,
    Warehouse,
    make_client,
)
from integrations.shipstation.api.pushers import OrderPusher, make_pusher
from integrations.shipstation.api.sources import make_source

__all__ = [
    "V1",
    "V1_API_KEY",
    "V1_API_SECRET",
    "V2",
    "V2_API_KEY",
    "OrderPusher",
    "PushRefused",
    "Store",
    "V1Client",
    "V2Client",
    "Warehouse",
    "make_client",
    "make_pusher",
    "make_source",
]
