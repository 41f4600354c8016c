"""Channel-neutral conversation handlers, one module per feature; ``common`` is the chat kit
they share. A handler takes the event and its context and answers with an outcome, calling
services for everything it reads or changes."""

from bot.routing import Router
from handlers import (
    answers,
    awards,
    broadcast,
    common,
    deadlines,
    documents,
    exemplar_edits,
    exemplars,
    export,
    forms,
    language,
    menu,
    models,
    onboarding,
    pilots,
    progress,
    review,
    schools,
    sector_status,
    status,
    unit_card,
)


def build_router() -> Router:
    router = Router()
    for feature in (
        onboarding,
        menu,
        forms,
        status,
        deadlines,
        sector_status,
        schools,
        progress,
        models,
        pilots,
        exemplars,
        exemplar_edits,
        unit_card,
        review,
        documents,
        awards,
        broadcast,
        export,
        language,
    ):
        feature.register(router)
    router.fallbacks(
        text=answers.answer,
        unknown_person=onboarding.explain_invites,
        refused=common.refused,
    )
    return router
