"""The HR workspace under /admin/emploi/, one module per page family.

- ``board``: the HR board (and where other roles landing on /admin/emploi/ are sent);
- ``candidates``: opening a follow-up, the profile, the candidate's page, stage moves, consent;
- ``cvs``: CV versions (private files, every download audited);
- ``introductions``: introductions to companies, their outcomes, "Mes relances";
- ``opportunities``: job openings passed on by partners, with the people they may suit;
- ``organisations``: companies and recruiters, and their CSV import;
- ``figures``: the pipeline's figures for the team and marketing (no name);
- ``followed``: what installation advisors see — the stage, never the CV.

Every page checks the role (``osez.roles``) and renders with ``osez.staff.render_staff``; reads of
personal data, downloads and exports are audited (``osez.audit``).
"""
