"""Who may read and change a dossier (object rules, checked with ``user.has_perm(name, household)``).

Decision (issue 8: a request for another advisor's dossier by id is refused): installation advisors
read and change only their own dossiers and the unassigned new requests (so that someone picks them
up); when an advisor is away, a team lead reassigns the dossier. Team leads and admins read and change
any. HR specialists only see that a household exists and the state of its spouse-job need
(never the family's notes); marketing sees the figures only.
"""

import rules

from osez import roles


@rules.predicate
def is_own_or_unassigned(user, household):
    if household is None:
        return True
    return household.advisor_id is None or household.advisor_id == user.pk


@rules.predicate
def has_spouse_job_need(user, household):
    from .enums import Need

    return household is not None and household.needs.filter(kind=Need.SPOUSE_JOB).exists()


can_read_full = roles.is_admin | roles.is_team_lead | (roles.is_advisor & is_own_or_unassigned)
can_edit = roles.is_admin | roles.is_team_lead | (roles.is_advisor & is_own_or_unassigned)

rules.add_perm("accompagnement.read_dossier", can_read_full)
rules.add_perm("accompagnement.read_dossier_summary", can_read_full | (roles.is_hr & has_spouse_job_need))
rules.add_perm("accompagnement.edit_dossier", can_edit)
rules.add_perm("accompagnement.reassign_dossier", roles.is_admin | roles.is_team_lead)
