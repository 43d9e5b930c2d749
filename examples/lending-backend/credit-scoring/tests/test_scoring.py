import unittest

from scoring import score_applicant


class ScoreApplicantTest(unittest.TestCase):
    def test_low_leverage_is_band_a(self) -> None:
        s = score_applicant(annual_income=8_000_000, existing_debt=500_000, requested=2_000_000, term_months=60)
        self.assertEqual((s.score, s.band, s.reasons), (760, "A", []))

    def test_high_leverage_is_declined(self) -> None:
        s = score_applicant(annual_income=3_000_000, existing_debt=1_500_000, requested=15_000_000, term_months=360)
        self.assertEqual(s.band, "DECLINE")
        self.assertEqual(len(s.reasons), 3)

    def test_no_income_is_declined(self) -> None:
        self.assertEqual(score_applicant(0, 0, 100, 12).band, "DECLINE")


if __name__ == "__main__":
    unittest.main()
