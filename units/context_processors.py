from django.http import HttpRequest

from units.access import is_city_admin


def roles(request: HttpRequest) -> dict:
    return {"is_city_admin": is_city_admin(request.user) if hasattr(request, "user") else False}
