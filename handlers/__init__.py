"""Channel-neutral conversation handlers, one module per feature."""

from bot.routing import Router
from handlers import (
    deadlines,
    forms,
    language,
    menu,
    models,
    onboarding,
    progress,
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
        progress,
        models,
        unit_card,
        language,
    ):
        feature.register(router)
    router.fallbacks(
        text=forms.continue_or_not_understood,
        unknown_person=onboarding.explain_invites,
        refused=menu.refused,
    )
    return router
