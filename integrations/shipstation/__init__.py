"""ShipStation: Custom Store (ShipStation pulls orders from Hakobu), orders pushed over the API,
and rates and labels."""

SHIPSTATION = "shipstation"
