"""A flow monitoring form as KoboToolbox has it (its XLSForm) and its exports, written the way
KoboToolbox writes them (kobotoolbox/formpack, `Export.to_csv`): every cell quoted, `;` between
cells; headers as XML names or as labels in the form's language, with the group path or
without; a select-multiple question as a column of the chosen choices separated by spaces and a
0/1 column per choice headed "question/choice"; then the submission's metadata."""

import io

import openpyxl

# (type, name, label); groups open and close around their questions.
SURVEY = [
    ("start", "start", ""),
    ("end", "end", ""),
    ("begin_group", "datos", "Datos de la persona"),
    ("select_one sexo", "sexo", "Sexo"),
    ("integer", "edad", "Edad"),
    ("select_one paises", "nacionalidad", "Nacionalidad"),
    ("end_group", "", ""),
    ("begin_group", "ruta", "Ruta"),
    ("select_one fuentes", "fuente_principal", "¿Principal fuente de información sobre la ruta?"),
    ("select_one sino", "vias_regulares", "¿Tenía información sobre vías regulares?"),
    ("select_one sino", "peligros", "¿Tenía suficiente información sobre los peligros?"),
    ("select_multiple motivos", "motivos", "Motivos para migrar (el principal primero)"),
    ("end_group", "", ""),
]
CHOICES = [
    ("sexo", "mujer", "Mujer"),
    ("sexo", "hombre", "Hombre"),
    ("sexo", "otro", "Otro"),
    ("paises", "venezuela", "Venezuela"),
    ("paises", "haiti", "Haití"),
    ("paises", "ecuador", "Ecuador"),
    ("fuentes", "familia_amigos", "Familiares y amigos que migraron"),
    ("fuentes", "redes", "Redes sociales"),
    ("fuentes", "otros_migrantes", "Otros migrantes en el camino"),
    ("sino", "si", "Sí"),
    ("sino", "no", "No"),
    ("sino", "ns_nr", "No sabe / No responde"),
    ("motivos", "economica", "Económica"),
    ("motivos", "inseguridad", "Inseguridad o violencia"),
    ("motivos", "reunificacion", "Reunificación familiar"),
    ("motivos", "ns_nr", "No sabe / No responde"),
]
METADATA = [
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]

# Submissions as the server keeps them: choice names, selected choices separated by spaces.
SUBMISSIONS = [
    {
        "sexo": "mujer",
        "edad": "34",
        "nacionalidad": "venezuela",
        "fuente_principal": "familia_amigos",
        "vias_regulares": "no",
        "peligros": "ns_nr",
        "motivos": "economica inseguridad",
        "_validation_status": "validation_status_approved",
    },
    {
        "sexo": "hombre",
        "edad": "19",
        "nacionalidad": "haiti",
        "fuente_principal": "redes",
        "vias_regulares": "si",
        "peligros": "no",
        "motivos": "inseguridad",
        "_validation_status": "",
    },
    {
        "sexo": "mujer",
        "edad": "61",
        "nacionalidad": "ecuador",
        "fuente_principal": "otros_migrantes",
        "vias_regulares": "ns_nr",
        "peligros": "si",
        "motivos": "reunificacion economica",
        "_validation_status": "validation_status_on_hold",
    },
    # Rejected by the survey team in KoboToolbox: not imported.
    {
        "sexo": "hombre",
        "edad": "40",
        "nacionalidad": "venezuela",
        "fuente_principal": "redes",
        "vias_regulares": "no",
        "peligros": "no",
        "motivos": "economica",
        "_validation_status": "validation_status_not_approved",
    },
]
VALIDATION_LABELS = {
    "validation_status_approved": "Approved",
    "validation_status_not_approved": "Not Approved",
    "validation_status_on_hold": "On Hold",
}


def xlsform() -> bytes:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Español (es)", "required"])
    for kind, name, label in SURVEY:
        survey.append([kind, name, label, "true" if kind.startswith("select") else ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Español (es)"])
    for row in CHOICES:
        choices.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_title", "version"])
    settings.append(["Monitoreo de flujos Darién", "vT7Xq"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _questions() -> list[tuple[list[tuple[str, str]], str, str, str]]:
    """Each question with its groups (name, label), its type, name and label."""
    groups, questions = [], []
    for kind, name, label in SURVEY:
        if kind == "begin_group":
            groups.append((name, label))
        elif kind == "end_group":
            groups.pop()
        elif kind not in ("start", "end"):
            questions.append((list(groups), kind, name, label))
    return questions


def _choices(kind: str) -> list[tuple[str, str]]:
    list_name = kind.split()[1]
    return [(name, label) for listed, name, label in CHOICES if listed == list_name]


def export(
    labels: bool = False,
    groups: bool = True,
    separator: str = ";",
    multiple_select: str = "both",
    month: str = "2023-09",
) -> bytes:
    """The submissions as KoboToolbox exports them: labels or XML values, with group paths or
    without, select-multiple as `both`, `summary` or `details`."""
    header, cells_of = [], []
    for path, kind, name, label in _questions():
        title = label if labels else name
        if groups:
            title = "/".join([*((lab if labels else nam) for nam, lab in path), title])
        choices = _choices(kind) if kind.startswith("select") else []
        shown = {choice: (lab if labels else choice) for choice, lab in choices}
        if not kind.startswith("select_multiple") or multiple_select in ("both", "summary"):
            header.append(title)
            cells_of.append(
                lambda s, name=name, shown=shown: " ".join(
                    shown.get(value, value) for value in s[name].split()
                )
            )
        if kind.startswith("select_multiple") and multiple_select in ("both", "details"):
            for choice, choice_label in choices:
                header.append(f"{title}/{choice_label if labels else choice}")
                cells_of.append(
                    lambda s, name=name, choice=choice: "1" if choice in s[name].split() else "0"
                )
    header += METADATA
    lines = [header]
    for number, submission in enumerate(SUBMISSIONS, start=1):
        status = submission["_validation_status"]
        metadata = {
            "_id": str(41800 + number),
            "_uuid": f"5d1f0c3e-7a0b-4c4e-9a55-00000000000{number}",
            "_submission_time": f"{month}-1{number}T14:2{number}:31",
            "_validation_status": VALIDATION_LABELS.get(status, "") if labels else status,
            "_notes": "",
            "_status": "submitted_via_web",
            "_submitted_by": "encuestador1",
            "__version__": "vT7Xq",
            "_tags": "",
            "_index": str(number),
        }
        lines.append([cell(submission) for cell in cells_of] + [metadata[n] for n in METADATA])
    text = "\n".join(
        separator.join('"' + cell.replace('"', '""') + '"' for cell in line) for line in lines
    )
    return text.encode()
