"""Checks that every kind of record's pages must pass."""

from collections.abc import Callable

from django.test import TestCase


def assert_list_queries_do_not_grow(
    test: TestCase, url: str, make_record: Callable[[], object], queries: int
) -> None:
    """The list at `url` makes `queries` queries for 1 record and for 50 (two pages)."""
    make_record()
    with test.assertNumQueries(queries):
        test.client.get(url)
    for _ in range(49):
        make_record()
    with test.assertNumQueries(queries):
        response = test.client.get(url)
    test.assertEqual(response.context["page"].paginator.count, 50)
    test.assertEqual(len(response.context["page"]), 25)


def assert_hidden_from(test: TestCase, user, record) -> None:
    """`user` gets 404 on the record's page and its edit page, as if it did not exist."""
    test.client.force_login(user)
    for url in (record.get_absolute_url(), record.get_edit_url()):
        test.assertEqual(test.client.get(url).status_code, 404, url)


def assert_each_refused_on_its_field(
    test: TestCase, post: Callable[..., object], cases: dict[str, tuple[str, dict, str]]
) -> None:
    """`cases`: name -> (field, changes to valid form data, part of the message on that field);
    `post(**changes)` sends the form."""
    for case, (field, changes, message) in cases.items():
        with test.subTest(case):
            response = post(**changes)
            test.assertEqual(response.status_code, 200)
            test.assertIn(message, str(response.context["form"].errors[field]))


def formset_data(prefix: str, *rows: dict, initial: int = 0) -> dict[str, str]:
    """The fields an inline formset posts for `rows` (each a dict of a row's fields), the first
    `initial` of them rows already saved."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for number, row in enumerate(rows):
        data |= {f"{prefix}-{number}-{name}": value for name, value in row.items()}
    return data
