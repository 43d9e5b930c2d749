import unittest

from app.rates import product_rate


class ProductRateTest(unittest.TestCase):
    def test_adds_the_product_margin(self) -> None:
        self.assertEqual(product_rate("mortgage-fixed-10y", 2.85), 4.3)

    def test_rounds_to_three_decimals(self) -> None:
        self.assertEqual(product_rate("personal-loan", 3.1234), 8.323)


if __name__ == "__main__":
    unittest.main()
