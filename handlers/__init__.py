"""Channel-neutral conversation handlers, one module per feature."""

from bot.routing import Router
from handlers import deadlines, language, menu, onboarding


def build_router() -> Router:
    router = Router()
    for feature in (onboarding, menu, language, deadlines):
        feature.register(router)
    router.fallbacks(
        text=menu.not_understood, unknown_person=onboarding.explain_invites, refused=menu.refused
    )
    return router
