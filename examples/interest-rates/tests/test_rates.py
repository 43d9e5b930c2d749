import os
import tempfile
import unittest

from app.rates import load_config, product_rate


class ProductRateTest(unittest.TestCase):
    def test_adds_the_product_margin(self) -> None:
        self.assertEqual(product_rate("mortgage-fixed-10y", 2.85), 4.3)

    def test_rounds_to_three_decimals(self) -> None:
        self.assertEqual(product_rate("personal-loan", 3.1234), 8.323)


class LoadConfigTest(unittest.TestCase):
    def test_reads_the_mounted_toml_file(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "rates.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write('[margins-bps]\npersonal-loan = 500\n\n[feed]\ntimeout-seconds = 15\n')
            self.assertEqual(load_config(path), {"margins-bps": {"personal-loan": 500}, "feed": {"timeout-seconds": 15}})

    def test_is_empty_without_the_file(self) -> None:
        self.assertEqual(load_config("/nonexistent/rates.toml"), {})


if __name__ == "__main__":
    unittest.main()
