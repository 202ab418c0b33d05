provider "google" {
  project = "example-prod"
  zone    = "europe-west1-b"
}

# The template runs worker:5 on Container-Optimized OS as worker, whose
# tokens reach every API.
resource "google_compute_instance_template" "worker" {
  name         = "worker"
  machine_type = "e2-small"

  disk {
    source_image = "cos-cloud/cos-stable"
    boot         = true
  }

  network_interface {
    network = "default"
  }

  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: us-docker.pkg.dev/example-prod/jobs/worker:5\n"
  }

  service_account {
    email  = "worker@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

# Made from the template with nothing overridden: it runs what the
# template declares.
resource "google_compute_instance_from_template" "copy" {
  name                     = "copy"
  source_instance_template = google_compute_instance_template.worker.self_link_unique
}

# Its own metadata replaces the template's, so it runs other:1, still on
# the template's boot disk and as the template's account.
resource "google_compute_instance_from_template" "meta" {
  name                     = "meta"
  zone                     = "europe-west1-c"
  source_instance_template = google_compute_instance_template.worker.id

  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: us-docker.pkg.dev/example-prod/jobs/other:1\n"
  }
}

# Its own service account replaces the template's, with narrower scopes.
resource "google_compute_instance_from_template" "account" {
  name                     = "account"
  source_instance_template = google_compute_instance_template.worker.self_link

  service_account {
    email  = "narrow@example-prod.iam.gserviceaccount.com"
    scopes = ["storage-ro"]
  }
}

# Its own boot disk is not Container-Optimized OS as far as the input
# shows, so the template's container may not start.
resource "google_compute_instance_from_template" "disk" {
  name                     = "disk"
  source_instance_template = google_compute_instance_template.worker.self_link_unique

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
}

# The template is not in the input.
resource "google_compute_instance_from_template" "elsewhere" {
  name                     = "elsewhere"
  source_instance_template = "projects/example-prod/global/instanceTemplates/base"
}

# A second template, used by the canary group and by solo.
resource "google_compute_instance_template" "other" {
  name         = "other"
  machine_type = "e2-small"

  disk {
    source_image = "cos-cloud/cos-stable"
  }

  network_interface {
    network = "default"
  }
}

# A zonal group in the provider's zone that runs worker.
resource "google_compute_instance_group_manager" "workers" {
  name               = "workers"
  base_instance_name = "worker"
  target_size        = 3

  version {
    instance_template = google_compute_instance_template.worker.self_link_unique
  }
}

# A regional group that runs other, with worker as its canary.
resource "google_compute_region_instance_group_manager" "canary" {
  name               = "canary"
  region             = "europe-west1"
  base_instance_name = "canary"

  version {
    instance_template = google_compute_instance_template.other.id
  }

  version {
    name              = "canary"
    instance_template = google_compute_instance_template.worker.id
    target_size {
      fixed = 1
    }
  }
}

# A zonal group that runs other only.
resource "google_compute_instance_group_manager" "solo" {
  name               = "solo"
  zone               = "europe-west1-d"
  base_instance_name = "solo"

  version {
    instance_template = google_compute_instance_template.other.self_link
  }
}
