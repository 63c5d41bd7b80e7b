"""The carte-scolaire source: the public collège serving each commune whose whole territory has one."""
