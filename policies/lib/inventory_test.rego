package seaworthy.lib.inventory_test

import data.seaworthy.lib.inventory
import rego.v1

object(api_version, kind, metadata) := {"apiVersion": api_version, "kind": kind, "metadata": metadata}

test_an_object_keeps_its_own_namespace if {
	inventory.namespace(object("apps/v1", "Deployment", {"name": "web", "namespace": "shop"})) == "shop"
	inventory.namespace(object("apps/v1", "Deployment", {"name": "web", "namespace": "shop"})) == "shop" with data.seaworthy.namespace as "other"
}

test_an_object_without_one_is_in_the_default_namespace if {
	inventory.namespace(object("v1", "Service", {"name": "web"})) == "default"
	inventory.namespace(object("v1", "Service", {"name": "web", "namespace": ""})) == "default"
	inventory.namespace(object("v1", "Service", {"name": "web", "namespace": null})) == "default"
	inventory.namespace(object("example.com/v1", "Widget", {"name": "w"})) == "default"
}

test_the_namespace_flag_is_where_objects_without_one_go if {
	inventory.namespace(object("v1", "Service", {"name": "web"})) == "shop" with data.seaworthy.namespace as "shop"
}

# A live run sets "": an object the cluster serves without a namespace has none.
test_a_live_run_keeps_objects_without_namespace_apart if {
	inventory.namespace(object("example.com/v1", "ClusterWidget", {"name": "w"})) == "" with data.seaworthy.namespace as ""
}

test_cluster_scoped_kinds_have_no_namespace if {
	inventory.namespace(object("v1", "Namespace", {"name": "shop"})) == ""
	inventory.namespace(object("rbac.authorization.k8s.io/v1", "ClusterRole", {"name": "reader"})) == ""
	inventory.namespace(object("networking.k8s.io/v1", "IngressClass", {"name": "nginx"})) == ""

	# The API server drops a namespace written on a cluster-scoped object.
	inventory.namespace(object("storage.k8s.io/v1", "StorageClass", {"name": "fast", "namespace": "shop"})) == ""

	# The same kind name in another group is not the built-in one.
	inventory.namespace(object("example.com/v1", "Namespace", {"name": "tenant"})) == "default"
}
