"""gRPC server for acme.lending.creditscoring.v1.CreditScoring on port 50051."""

from concurrent import futures
import logging

import grpc

import credit_scoring_pb2
import credit_scoring_pb2_grpc
from scoring import score_applicant


class CreditScoring(credit_scoring_pb2_grpc.CreditScoringServicer):
    def ScoreApplicant(self, request, context):
        result = score_applicant(
            request.annual_income_cents,
            request.existing_debt_cents,
            request.requested_amount_cents,
            request.term_months,
        )
        return credit_scoring_pb2.ScoreApplicantResponse(score=result.score, band=result.band, reasons=result.reasons)


def serve() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    credit_scoring_pb2_grpc.add_CreditScoringServicer_to_server(CreditScoring(), server)
    server.add_insecure_port("[::]:50051")
    server.start()
    logging.info("credit-scoring listening on :50051")
    server.wait_for_termination()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    serve()
