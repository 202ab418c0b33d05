package link

// linkKubernetes derives the edges of this area; it is filled in as the area's
// ingesters land.
func (v *view) linkKubernetes() {}
