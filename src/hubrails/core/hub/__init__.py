"""Finding the hub a command checks against: the repository itself, ``--hub PATH``, or the hub a
spoke's ``hub.yaml`` names (materialised through vcs's clone cache). May import registry, vcs."""
