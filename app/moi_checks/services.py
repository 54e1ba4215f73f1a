"""The weekly MOI check's work: run the checks over every green gene of a released panel and mail
the problems to the curators (PANEL_APP_EMAIL) as ``incorrect_moi_<date>.csv``, as PanelApp does.
No problems, no email."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from . import checks
from .omim import OmimClient
from .selectors import green_genes

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    problems: list[checks.Problem]
    genes: int

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(checks.CSV_HEADER)
        writer.writerows(problem.row for problem in self.problems)
        return out.getvalue()


def run_checks() -> Report:
    genes = list(green_genes())
    value_checks = list(checks.VALUE_CHECKS)
    if settings.OMIM_API_KEY:
        value_checks.append(checks.omim_check(OmimClient(settings.OMIM_API_URL, settings.OMIM_API_KEY).inheritance))
    else:
        logger.warning("No OMIM API key specified: MOIs are not compared with OMIM")
    problems = checks.value_problems(genes, value_checks) + checks.across_panel_problems(genes)
    logger.info("MOI check: %d problems in %d green genes", len(problems), len(genes))
    return Report(problems=problems, genes=len(genes))


def report_message(report: Report) -> EmailMultiAlternatives:
    today = timezone.localdate().isoformat()
    message = EmailMultiAlternatives(
        f"MOI Errors - {today}",
        "Errors are attached in csv file.",
        settings.DEFAULT_FROM_EMAIL,
        [settings.PANEL_APP_EMAIL],
    )
    message.attach(f"incorrect_moi_{today}.csv", report.csv(), "text/csv")
    return message
