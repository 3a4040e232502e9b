from .opportunity_fixtures import cluster_manager, coffee_cluster, coffee_polo, collaboration_isolation  # noqa: F401
