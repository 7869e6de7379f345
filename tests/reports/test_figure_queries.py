"""The figures' queries keep the shapes their indexes answer (issue 17): each table read once,
EXISTS or a first row where a list is asked for, never a DISTINCT over a join that reads every
record of the period twice. Their speed is measured in benchmarks/scale.py, not here."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import figures
from reports.figures import Period
from tests.reports.dataset import Q3, DatasetTestCase


class FigureQueriesTest(DatasetTestCase):
    def queries(self, compute) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            compute()
        return [query["sql"] for query in captured.captured_queries]

    def test_legal_orientation_reads_the_cases_once_for_a_supervisor(self):
        # Scoping the sessions by a subquery of the user's cases read the cases a second time.
        queries = self.queries(lambda: figures.legal_orientation(Q3, self.supervisor_a))
        [query] = [query for query in queries if "cases_counsellingsession" in query]
        reads = query.count('FROM "cases_legalorientationcase"')
        reads += query.count('JOIN "cases_legalorientationcase"')
        self.assertEqual(reads, 1, query)

    def test_no_figure_lists_its_groups_with_a_distinct_over_a_join(self):
        for user in (None, self.supervisor_a, self.admin):
            for query in self.queries(lambda user=user: figures.factsheet(Q3, user)):
                self.assertNotIn("SELECT DISTINCT", query)

    def test_the_survey_counts_its_answers_in_one_pass(self):
        queries = self.queries(lambda: figures.flow_survey(Q3))
        answers = [query for query in queries if "activities_surveyresponse" in query]
        self.assertEqual(len(answers), 1, answers)

    def test_medical_attention_sums_its_tallies_in_one_pass(self):
        queries = self.queries(lambda: figures.medical_attention(Q3))
        tallies = [query for query in queries if "activities_medicalattentiontally" in query]
        self.assertEqual(len(tallies), 1, tallies)

    def test_a_figure_without_records_stops_at_its_first_query(self):
        # "No data" is known from the first query: the rest would read nothing to show.
        before_any = Period.year(2000)
        for figure in (figures.migration_flows, figures.flow_survey):
            with self.subTest(figure.__name__):
                queries = self.queries(lambda figure=figure: figure(before_any))
                self.assertEqual(figure(before_any), None)
                self.assertEqual(len(queries), 1, queries)
