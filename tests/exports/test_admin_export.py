import csv
import io

import openpyxl
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from activities.models import CommunicationReach
from tests.factories import make_reach
from tests.personas import PersonasTestCase


class AdminExportTest(PersonasTestCase):
    def model_admin(self):
        return admin.site._registry[CommunicationReach]

    def request(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return request

    def test_administrators_alone_may_import_and_export_in_the_admin(self) -> None:
        self.login(self.admin)
        for page in ("export", "import"):
            url = reverse(f"admin:activities_communicationreach_{page}")
            self.assertEqual(self.client.get(url).status_code, 200)
        self.supervisor_a.is_staff = True
        for user, allowed in ((self.admin, True), (self.supervisor_a, False)):
            request = self.request(user)
            self.assertEqual(self.model_admin().has_export_permission(request), allowed)
            self.assertEqual(self.model_admin().has_import_permission(request), allowed)

    def test_the_admins_export_neutralises_formula_like_cells(self) -> None:
        for start in ("=", "+", "-", "@", "\t", "\r"):
            make_reach(self.darien, self.field_a, campaign=f"{start}1+1")
        request = self.request(self.admin)
        queryset = CommunicationReach.objects.all()
        content = self.model_admin().get_export_data(CSV(), request, queryset)
        csv_cells = [row[4] for row in list(csv.reader(io.StringIO(content)))[1:]]
        content = self.model_admin().get_export_data(XLSX(), request, queryset)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        xlsx_cells = [row[4] for row in list(sheet.iter_rows(values_only=True))[1:]]
        for cells in (csv_cells, xlsx_cells):
            self.assertEqual(len(cells), 6)
            self.assertTrue(all(cell.startswith("'") for cell in cells), cells)
