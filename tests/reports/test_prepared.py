"""The figures' queries are compiled once per set of sites and run with each call's dates
(iompanama/prepared.py): only the SQL is kept, never a number, and never across scopes."""

from unittest import mock

from iompanama import prepared
from reports import figures
from reports.figures import Period
from tests.factories import make_reach
from tests.reports.dataset import BEFORE, LAST, Q3, DatasetTestCase


class PreparedFiguresTest(DatasetTestCase):
    def test_a_query_is_built_once_for_everyone_who_sees_the_same_sites(self):
        figures.communications(Q3, self.field_a)
        with mock.patch.object(prepared, "Compiled", wraps=prepared.Compiled) as compiling:
            # The supervisor of Darién sees what its field staff see: the same query.
            figures.communications(Q3, self.supervisor_a)
            figures.communications(Q3, self.field_a)
            compiling.assert_not_called()
            figures.communications(Q3, self.field_b)  # Chiriquí: a query of its own
            compiling.assert_called_once()

    def test_each_scope_counts_its_own_sites_whoever_came_first(self):
        # field_a's query (Darién) is kept first; field_b (Chiriquí) must not be given it.
        self.assertEqual(figures.communications(Q3, self.field_a)["reached"], 150)
        self.assertIsNone(figures.communications(Q3, self.field_b))
        self.assertEqual(figures.communications(Q3, self.admin)["reached"], 150)
        self.assertEqual(figures.communications(Q3)["reached"], 150)

    def test_each_run_takes_its_own_dates(self):
        self.assertEqual(figures.communications(Q3)["reached"], 150)
        self.assertEqual(figures.communications(Period(BEFORE, LAST))["reached"], 1150)
        self.assertEqual(figures.communications(Period(BEFORE, BEFORE))["reached"], 1000)

    def test_each_run_reads_the_records_anew(self):
        self.assertEqual(figures.communications(Q3)["reached"], 150)
        self.approved(make_reach(self.darien, self.field_a, date=LAST, people_reached=7))
        self.assertEqual(figures.communications(Q3)["reached"], 157)

    def test_a_person_who_sees_no_site_has_no_data_and_the_general_donors(self):
        data = figures.factsheet(Q3, self.viewer)
        counted = {key: value for key, value in data.items() if key not in ("period", "mission")}
        self.assertEqual(
            {key: value for key, value in counted.items() if key != "donors"},
            {key: None for key in counted if key != "donors"},
        )
        # The donor of 1 July's donation is not listed: its donation is not theirs to see.
        self.assertEqual([donor["name_en"] for donor in data["donors"]], ["General Fund"])
