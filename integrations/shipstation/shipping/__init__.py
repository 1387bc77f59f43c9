"""Mode 3, ShipStation as a shipping service: rates for a note (`rates`), buying, resolving and
voiding its labels (`labels`), their PDFs (`pdfs`), and telling ShipStation an order it holds
left with such a label (`tasks`)."""
