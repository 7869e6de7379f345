"""KoboToolbox exports of the flow monitoring survey, read as they come.

KoboToolbox (kobotoolbox/formpack) exports a form's submissions with headers as XML names or as
labels, with the group path ("ruta/peligros") or without, `;` or `,` between cells; a
select-multiple question as a column of the chosen choices separated by spaces and/or a 0/1
column per choice ("ruta/motivos/economica"); then metadata (`_id`, `_uuid`,
`_submission_time`, `_validation_status`, `_index`...). The form's XLSForm names every question
and choice with its labels, so a mapping made once against it (`KoboForm.mapping`: question →
field, choice → code) reads every flavour of export: `convert` turns an export into the rows of
`KoboResponseResource`, one per submission, in the file's order.
"""

import datetime
import io
import re
from dataclasses import dataclass

import openpyxl
import tablib
from django.utils.translation import gettext as _

from iompanama.files.imports import UnreadableFile

# What a mapping fills: the respondent's identifier, the date that decides the round's month,
# and the answers. The first and second reason may come from one select-multiple question:
# the first and the second choice chosen.
TARGETS = [
    "respondent_id",
    "date",
    "main_source",
    "regular_pathways_info",
    "dangers_info",
    "first_reason",
    "second_reason",
    "sex",
    "age_group",
    "nationality",
]
# Our columns, filled from a submission: the month of its date, then the others.
ANSWER_TARGETS = [target for target in TARGETS if target != "date"]
# The submission's metadata KoboToolbox adds to every export, in both flavours.
METADATA = ["_uuid", "_id", "_submission_time", "_index"]
VALIDATION = "_validation_status"
# Submissions the survey team rejected in KoboToolbox, as XML value or as label.
REJECTED = {"validation_status_not_approved", "not approved"}
# "Don't know" and "no answer" choices as survey forms name them (Kobo choice names cannot
# hold "/", so `ns/nr` is written `ns_nr`).
NO_ANSWER_NAMES = {"ns_nr", "nsnr", "ns", "nr", "no_sabe", "no_responde", "dk", "dont_know",
                   "refused", "no_answer", "98", "99", "888", "999"}  # fmt: skip
NO_ANSWER_WORDS = ("no sabe", "no responde", "don't know", "no answer", "prefer not")
AGE_BANDS = [(18, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"), (60, 150, "60+")]
MAX_FORM_ROWS = 5000  # an XLSForm of a survey has a few hundred rows at most


@dataclass(frozen=True)
class Question:
    name: str
    kind: str  # select_one, select_multiple, integer, date, text...
    titles: frozenset[str]  # how a header may name it, casefolded
    choices: tuple[tuple[str, frozenset[str]], ...]  # each choice's name and how cells say it


def read_xlsform(content: bytes) -> dict:
    """The questions and choices of a form's XLSForm (KoboToolbox: "Download XLS"), as JSON:
    each question's type, name, labels and group path; each list's choices and labels."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        survey = _sheet(book, "survey")
        choice_rows = _sheet(book, "choices") if "choices" in book.sheetnames else []
    except (KeyError, ValueError, OSError, openpyxl.utils.exceptions.InvalidFileException):
        raise UnreadableFile(
            _("This is not a form's XLSForm: it needs a “survey” sheet with type and name.")
        ) from None
    groups: list[dict] = []
    questions = []
    for row in survey:
        kind = str(row.get("type") or "").strip()
        name = str(row.get("name") or "").strip()
        labels = _labels(row)
        if kind in ("begin_group", "begin group", "begin_repeat", "begin repeat"):
            groups.append({"name": name, "labels": labels})
        elif kind in ("end_group", "end group", "end_repeat", "end repeat"):
            if groups:
                groups.pop()
        elif kind and name:
            base, _space, list_name = kind.partition(" ")
            questions.append(
                {
                    "name": name,
                    "type": base,
                    "list": list_name.split(" ")[0] if list_name else "",
                    "labels": labels,
                    "groups": [dict(group) for group in groups],
                }
            )
    choices: dict[str, list[dict]] = {}
    for row in choice_rows:
        list_name = str(row.get("list_name") or row.get("list name") or "").strip()
        name = str(row.get("name") or "").strip()
        if list_name and name:
            choices.setdefault(list_name, []).append({"name": name, "labels": _labels(row)})
    if not questions:
        raise UnreadableFile(_("This XLSForm has no questions."))
    return {"questions": questions, "choices": choices}


def _sheet(book, title: str) -> list[dict]:
    rows = book[title].iter_rows(values_only=True, max_row=MAX_FORM_ROWS)
    header = [str(cell or "").strip().lower() for cell in next(rows, ())]
    return [dict(zip(header, row, strict=False)) for row in rows]


def _labels(row: dict) -> list[str]:
    """A row's labels in every language of the form ("label", "label::Español (es)")."""
    return [
        str(value).strip()
        for key, value in row.items()
        if (key == "label" or key.startswith("label::")) and value
    ]


def questions(form: dict) -> dict[str, Question]:
    """The form's questions by name, with the metadata every export adds."""
    found = {}
    for question in form["questions"]:
        found[question["name"]] = Question(
            question["name"],
            question["type"],
            frozenset(_titles(question)),
            tuple(
                (
                    choice["name"],
                    frozenset(text.casefold() for text in [choice["name"], *choice["labels"]]),
                )
                for choice in form["choices"].get(question["list"], [])
            ),
        )
    for name in [*METADATA, VALIDATION]:
        found[name] = Question(name, "metadata", frozenset([name]), ())
    return found


def _titles(question: dict) -> set[str]:
    """Every header an export may give the question: its name or a label, alone or after
    its groups' names or labels."""
    names = [question["name"], *question["labels"]]
    paths = [[]]
    for group in question["groups"]:
        paths = [[*path, step] for path in paths for step in [group["name"], *group["labels"]]]
    # Exports without the groups in their headers name the question alone.
    return {"/".join([*path, name]).casefold() for path in [*paths, []] for name in names}


class KoboExport:
    """An export of a mapped form, read row by row into our columns."""

    def __init__(self, form: dict, mapping: dict) -> None:
        self.questions = questions(form)
        self.mapping = mapping

    def convert(self, dataset: tablib.Dataset) -> tuple[tablib.Dataset, set[int]]:
        """Our rows, one per submission in the file's order (so that row numbers stay the
        file's), and the indexes of the rejected submissions, which are not imported."""
        columns = self._columns(dataset.headers)
        if not any(columns.get(name) for name in self.mapping.get("questions", {}).values()):
            raise UnreadableFile(
                _("No column of this file is a question that the form's mapping reads.")
            )
        out = tablib.Dataset(headers=["month", *ANSWER_TARGETS])
        rejected = set()
        for index, row in enumerate(dataset):
            cells = self._cells(row, columns)
            if str(cells.get(VALIDATION) or "").strip().casefold() in REJECTED:
                rejected.add(index)
            out.append([self._month(cells), *(self._value(t, cells) for t in ANSWER_TARGETS)])
        return out, rejected

    def _columns(self, headers: list[str]) -> dict[str, list[tuple[int, str]]]:
        """Each question's columns: (index, "") for its own, (index, choice name) for a
        select-multiple question's column of one choice."""
        by_title = {
            title: question for question in self.questions.values() for title in question.titles
        }
        columns: dict[str, list[tuple[int, str]]] = {}
        for index, header in enumerate(headers):
            title = str(header or "").strip().casefold()
            if title in by_title:
                columns.setdefault(by_title[title].name, []).append((index, ""))
                continue
            parent, _slash, choice_title = title.rpartition("/")
            question = by_title.get(parent)
            if question and question.kind == "select_multiple":
                for choice, said in question.choices:
                    if choice_title in said:
                        columns.setdefault(question.name, []).append((index, choice))
        return columns

    def _cells(self, row, columns: dict) -> dict:
        """The row's values by question: a select-multiple question's chosen choice names, in
        the order its own column gives them (or the choices' order, from the 0/1 columns)."""
        cells = {}
        for name, found in columns.items():
            question = self.questions[name]
            own = [row[index] for index, choice in found if not choice]
            text = str(own[0] if own and own[0] is not None else "").strip()
            if question.kind == "select_multiple":
                flags = [choice for index, choice in found if choice and _ticked(row[index])]
                cells[name] = self._chosen(question, text) if own else flags
            elif question.choices:
                cells[name] = self._choice(question, text)
            else:
                cells[name] = text
        return cells

    def _choice(self, question: Question, text: str) -> str:
        """A cell's choice name, whether the cell holds the name or a label."""
        wanted = text.casefold()
        return next((name for name, said in question.choices if wanted in said), text)

    def _chosen(self, question: Question, text: str) -> list[str]:
        """The choices of a select-multiple cell: names separated by spaces, or labels (which
        may hold spaces themselves: the longest label that matches is taken first)."""
        words, chosen = text.split(), []
        while words:
            for length in range(len(words), 0, -1):
                choice = self._choice(question, " ".join(words[:length]))
                if choice != " ".join(words[:length]) or length == 1:
                    chosen.append(choice)
                    words = words[length:]
                    break
        return chosen

    def _value(self, target: str, cells: dict) -> str:
        name = self.mapping.get("questions", {}).get(target, "")
        if not name or name not in cells:
            return ""
        question, value = self.questions[name], cells[name]
        codes = self.mapping.get("choices", {}).get(name, {})
        if isinstance(value, list):
            # The first and second reason from one question: its first and second choice.
            position = [t for t in TARGETS if self.mapping["questions"].get(t) == name].index(
                target
            )
            mapped = [codes.get(choice, choice) for choice in value]
            mapped = [code for code in mapped if code]
            return mapped[position] if position < len(mapped) else ""
        if question.choices:
            return codes.get(value, value)
        if target == "age_group":
            return _age_band(value)
        return value

    def _month(self, cells: dict) -> str:
        """The month of the submission's date (`_submission_time` or a date question)."""
        name = self.mapping.get("questions", {}).get("date", "")
        text = str(cells.get(name) or "")
        match = re.match(r"(\d{4})-(\d{2})", text)
        if not match:
            return text
        year, month = int(match[1]), int(match[2])
        try:
            return datetime.date(year, month, 1).strftime("%Y-%m")
        except ValueError:
            return text


def says_no_answer(text: str) -> bool:
    """Whether a choice's name or label (casefolded) is a "don't know" or "no answer"."""
    return text in NO_ANSWER_NAMES or any(words in text for words in NO_ANSWER_WORDS)


def _ticked(cell) -> bool:
    return str(cell or "").strip().casefold() in {"1", "1.0", "true"}


def _age_band(text: str) -> str:
    """An age in years, as its band; the text as it is when it is not an age we band (the
    import then says so)."""
    try:
        age = int(float(text))
    except ValueError:
        return text
    return next((band for low, high, band in AGE_BANDS if low <= age <= high), text)


def mapped(form: dict, chosen: dict[str, str], known: dict, guess) -> dict:
    """The mapping of the questions `chosen` for each target: their choices' codes as `known`
    says, the others as `guess(target, choice's names and labels)` finds them."""
    found = questions(form)
    choices: dict[str, dict[str, str]] = {}
    for target, name in chosen.items():
        question = found.get(name)
        if not question or not question.choices:
            continue
        codes = choices.setdefault(name, {})
        for choice, said in question.choices:
            codes[choice] = known.get(name, {}).get(choice, guess(target, said))
    return {"questions": {t: n for t, n in chosen.items() if n}, "choices": choices}
