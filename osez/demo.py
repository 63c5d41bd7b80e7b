"""Fictional demonstration data: each app registers a loader from its ``AppConfig.ready()``.

``manage.py load_demo`` creates the role groups, then runs every loader in ``order`` (the back-office's
households before the spouse pipeline that follows some of them). A loader takes ``stdout``, writes one
summary line there, creates only what is missing (a second run changes nothing) and marks every row
it creates as fictional.
"""

_loaders = []


def register_loader(loader, *, order):
    if all(existing is not loader for _order, existing in _loaders):
        _loaders.append((order, loader))
        _loaders.sort(key=lambda item: item[0])


def load_all(stdout=None):
    from . import roles

    roles.ensure_groups()
    for _order, loader in _loaders:
        loader(stdout=stdout)
