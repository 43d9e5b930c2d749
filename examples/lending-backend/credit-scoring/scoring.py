"""The scoring model: a transparent scorecard on debt-to-income and loan-to-income."""

from dataclasses import dataclass, field


@dataclass
class Score:
    score: int
    band: str
    reasons: list[str] = field(default_factory=list)


BANDS = [(740, "A"), (670, "B"), (600, "C"), (520, "D")]


def score_applicant(annual_income: int, existing_debt: int, requested: int, term_months: int) -> Score:
    """Score an applicant; amounts in cents, term in months."""
    if annual_income <= 0:
        return Score(300, "DECLINE", ["no verifiable income"])
    reasons = []
    points = 760
    debt_to_income = existing_debt / annual_income
    loan_to_income = requested / annual_income
    if debt_to_income > 0.4:
        points -= 160
        reasons.append("existing debt above 40% of income")
    elif debt_to_income > 0.2:
        points -= 60
        reasons.append("existing debt above 20% of income")
    if loan_to_income > 4:
        points -= 180
        reasons.append("loan above four times annual income")
    elif loan_to_income > 2:
        points -= 70
        reasons.append("loan above twice annual income")
    if term_months > 300:
        points -= 30
        reasons.append("term longer than 25 years")
    points = max(300, min(850, points))
    band = next((b for threshold, b in BANDS if points >= threshold), "DECLINE")
    return Score(points, band, reasons)
