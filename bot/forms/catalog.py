"""The forms of plan 941: emulation registration and every report the plan asks for.

Award choices name award-type codes of the plan file; their labels come from the plan, so an
office that edits the plan's wording sees it in the forms too.
"""

from __future__ import annotations

from datetime import date

from bot.forms.definition import FormDefinition
from bot.forms.fields import (
    YES,
    Attachment,
    Choice,
    Date,
    Group,
    Integer,
    MultiChoice,
    ShowIf,
    SingleChoice,
    Text,
    YesNo,
)
from bot.i18n import N_

# Choice sources: award-type codes from the plan, every award type of the plan, or the unit's
# own pilot models.
ANY_AWARD = "any_award"
AWARD_SOURCES = {
    "collective_titles": (
        "tap_the_lao_dong_tien_tien",
        "tap_the_lao_dong_xuat_sac",
        "co_thi_dua_ubnd_tinh",
        "co_thi_dua_bo",
        "co_thi_dua_chinh_phu",
    ),
    "commendations": (
        "giay_khen",
        "bang_khen_ubnd_tinh",
        "bang_khen_bo_gddt",
        "bang_khen_thu_tuong",
        "huan_chuong_lao_dong",
        "huan_chuong_doc_lap",
    ),
    "individual_titles": (
        "lao_dong_tien_tien",
        "chien_si_thi_dua_co_so",
        "chien_si_thi_dua_cap_tinh",
        "chien_si_thi_dua_toan_quoc",
    ),
    # The orders (huân chương), which have classes: the office's award form asks for it.
    "orders": ("huan_chuong_lao_dong", "huan_chuong_doc_lap"),
    # The awards the plan's targets count: what annual reports tally.
    "target_awards": (
        "co_thi_dua_chinh_phu",
        "co_thi_dua_bo",
        "co_thi_dua_ubnd_tinh",
        "nha_giao_nhan_dan",
        "nha_giao_uu_tu",
        "chien_si_thi_dua_cap_tinh",
        "huan_chuong_doc_lap",
        "huan_chuong_lao_dong",
        "bang_khen_thu_tuong",
        "bang_khen_bo_gddt",
        "bang_khen_ubnd_tinh",
    ),
}
UNIT_MODELS = "unit_models"

KIND = (Choice("collective", N_("Collective")), Choice("individual", N_("Individual")))
SHORT, LONG = 200, 3000


def _exemplars(key: str, label: str) -> Group:
    """The table of exemplars (điển hình) several reports ask for."""
    return Group(
        key=key,
        label=label,
        item_label=N_("exemplar"),
        fields=(
            Text(key="name", label=N_("Name of the collective or person"), max_length=SHORT),
            SingleChoice(key="kind", label=N_("Collective or individual?"), options=KIND),
            Text(
                key="field", label=N_("Field of work (e.g. teaching, management)"), max_length=SHORT
            ),
            Text(key="achievements", label=N_("Main achievements"), max_length=1000),
        ),
    )


def _attachment(key: str, label: str, *, optional: bool) -> Attachment:
    return Attachment(key=key, label=label, optional=optional)


REGISTRATION = FormDefinition(
    code="registration",
    version=1,
    title=N_("Emulation registration"),
    fields=(
        SingleChoice(
            key="collective_title",
            label=N_("Collective title the unit registers for"),
            source="collective_titles",
        ),
        SingleChoice(
            key="collective_commendation",
            label=N_("Commendation the unit registers for"),
            source="commendations",
            optional=True,
        ),
        Group(
            key="individuals",
            label=N_("Individuals registered"),
            item_label=N_("person"),
            fields=(
                Text(key="full_name", label=N_("Full name"), max_length=100),
                Text(
                    key="position",
                    label=N_("Position (e.g. teacher, vice-principal)"),
                    max_length=100,
                ),
                SingleChoice(key="title", label=N_("Title registered"), source="individual_titles"),
                SingleChoice(
                    key="commendation",
                    label=N_("Commendation registered"),
                    source="commendations",
                    optional=True,
                ),
            ),
        ),
        Text(
            key="key_targets",
            label=N_("Key targets (e.g. excellent teachers, student prizes)"),
            max_length=LONG,
        ),
        YesNo(key="has_initiatives", label=N_("Does the unit register initiatives (sáng kiến)?")),
        Group(
            key="initiatives",
            label=N_("Initiatives"),
            item_label=N_("initiative"),
            min_items=1,
            show_if=ShowIf("has_initiatives", YES),
            fields=(
                Text(key="author", label=N_("Author"), max_length=100),
                Text(key="topic", label=N_("Topic of the initiative"), max_length=300),
            ),
        ),
        _attachment("signed_copy", N_("The signed registration (scan or PDF)"), optional=True),
    ),
)

PHASE1_REPORT = FormDefinition(
    code="phase1_report",
    version=1,
    title=N_("Phase-1 report on building exemplars"),
    fields=(
        Text(
            key="programme",
            max_length=LONG,
            label=N_(
                "The unit's content, programme and measures for finding and fostering exemplars"
            ),
        ),
        # The plan was issued on 13/06/2016; a unit's own plan follows it, before the report.
        Date(
            key="plan_signed_on",
            label=N_("Date the unit's plan was signed"),
            earliest=date(2016, 6, 13),
            latest=date(2016, 12, 31),
        ),
        _exemplars("exemplars", N_("Exemplars found so far")),
        _attachment("signed_plan", N_("The unit's signed plan (scan or PDF)"), optional=False),
    ),
)

MODEL_REPORT = FormDefinition(
    code="model_report",
    version=1,
    title=N_("Pilot-model report, semester I"),
    fields=(
        MultiChoice(
            key="models", label=N_("Which pilot models does this report cover?"), source=UNIT_MODELS
        ),
        _exemplars("selected", N_("Collectives and individuals selected and found")),
        Text(key="progress", label=N_("How the model is being carried out"), max_length=LONG),
        _attachment("document", N_("The report document (optional)"), optional=True),
    ),
)

MODEL_REVIEW = FormDefinition(
    code="model_review",
    version=1,
    title=N_("Review of the pilot models"),
    fields=(
        MultiChoice(
            key="models", label=N_("Which pilot models does this review cover?"), source=UNIT_MODELS
        ),
        Text(key="results", label=N_("Results achieved"), max_length=LONG),
        Integer(key="exemplars_count", label=N_("Number of exemplars built"), maximum=1000),
        Text(key="replication", label=N_("How the model is being replicated"), max_length=LONG),
        Text(
            key="shortcomings", label=N_("Shortcomings and lessons"), max_length=LONG, optional=True
        ),
        _attachment("document", N_("The review document (optional)"), optional=True),
    ),
)

# The standing body's review, reported to the Sở: pre-filled from the units' inputs.
MODEL_REVIEW_SUMMARY = FormDefinition(
    code="model_review_summary",
    version=1,
    title=N_("The standing body's review of the pilot models"),
    fields=(
        Integer(
            key="units_reported", label=N_("Number of units that sent their review"), maximum=5000
        ),
        Integer(key="exemplars_count", label=N_("Number of exemplars built"), maximum=100000),
        Text(key="results", label=N_("Results of the pilot models"), max_length=LONG),
        Text(key="replication", label=N_("How the models are being replicated"), max_length=LONG),
        Text(
            key="shortcomings", label=N_("Shortcomings and lessons"), max_length=LONG, optional=True
        ),
        Text(key="proposals", label=N_("Proposals to the Sở"), max_length=LONG, optional=True),
        _attachment("document", N_("The signed review (scan or PDF)"), optional=True),
    ),
)

ANNUAL_REPORT = FormDefinition(
    code="annual_report",
    version=2,
    title=N_("Annual report on the plan"),
    fields=(
        Text(
            key="carried_out", label=N_("How the plan was carried out this year"), max_length=LONG
        ),
        Text(key="models_built", label=N_("Models and new exemplars built"), max_length=LONG),
        Integer(key="new_exemplars", label=N_("Number of new exemplars"), maximum=1000),
        _exemplars("exemplars", N_("The new exemplars, one by one")),
        Group(
            key="awards",
            label=N_("Awards received this school year"),
            item_label=N_("award"),
            fields=(
                SingleChoice(key="award", label=N_("Award type"), source="target_awards"),
                Integer(key="count", label=N_("How many?"), minimum=1, maximum=500),
            ),
        ),
        Text(key="shortcomings", label=N_("Shortcomings"), max_length=LONG),
        Text(key="next_year", label=N_("Plan for next year"), max_length=LONG),
        _attachment("signed_report", N_("The signed report (scan or PDF)"), optional=False),
    ),
)

NOMINATIONS = FormDefinition(
    code="nominations",
    version=1,
    title=N_("Nominations for the 2016–2020 exemplar conference"),
    fields=(
        Group(
            key="nominees",
            label=N_("Exemplars nominated"),
            item_label=N_("nominee"),
            min_items=1,
            fields=(
                Text(key="name", label=N_("Name of the collective or person"), max_length=SHORT),
                SingleChoice(key="kind", label=N_("Collective or individual?"), options=KIND),
                Text(
                    key="achievements",
                    label=N_("Outstanding achievements 2016–2020"),
                    max_length=1500,
                ),
                SingleChoice(
                    key="proposed_award",
                    label=N_("Award proposed"),
                    source="target_awards",
                    optional=True,
                ),
            ),
        ),
        _attachment("document", N_("Supporting document (optional)"), optional=True),
    ),
)

FORMS = {
    form.code: form
    for form in (
        REGISTRATION,
        PHASE1_REPORT,
        MODEL_REPORT,
        MODEL_REVIEW,
        MODEL_REVIEW_SUMMARY,
        ANNUAL_REPORT,
        NOMINATIONS,
    )
}
# The table of each form that names exemplars: what the register of exemplars takes in.
EXEMPLAR_TABLES = {
    "phase1_report": "exemplars",
    "model_report": "selected",
    "annual_report": "exemplars",
    "nominations": "nominees",
}
# The plan's 2018-2019 summary of the models asks what the first review asked.
FORMS["model_summary"] = MODEL_REVIEW


def form_for(code: str) -> FormDefinition | None:
    return FORMS.get(code)
