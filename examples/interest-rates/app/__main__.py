"""HTTP entry point: `python -m app` serves the Interest Rates API on port 8000."""

import json
import logging
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from app.rates import PRODUCT_MARGINS_BPS, fetch_reference_rate, product_rate

log = logging.getLogger("interest-rates")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/interest/healthz":
            self.send_response(204)
            self.end_headers()
            return
        if url.path != "/interest/rates":
            self._json(404, {"error": "not found"})
            return
        product = parse_qs(url.query).get("product", [""])[0]
        if product not in PRODUCT_MARGINS_BPS:
            self._json(400, {"error": "unknown product", "products": sorted(PRODUCT_MARGINS_BPS)})
            return
        tenor = "10Y" if product == "mortgage-fixed-10y" else "1Y"
        try:
            reference = fetch_reference_rate(tenor)
        except Exception:  # the feed is down or answered garbage
            log.exception("market data unavailable")
            self._json(502, {"error": "rates are temporarily unavailable"})
            return
        self._json(200, {"product": product, "tenor": tenor, "referenceRate": reference,
                         "rate": product_rate(product, reference)})

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "info").upper())
    log.info("interest-rates listening on :8000")
    ThreadingHTTPServer(("", 8000), Handler).serve_forever()
