"""Change history of the partner organisations (django-auditlog), without their free-text notes."""


def register_auditlog():
    from auditlog.registry import auditlog

    from .models import Contact, Organisation

    for model in (Organisation, Contact):
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["notes"])
