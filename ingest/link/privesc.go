package link

// linkPrivesc derives the edges of this area; it is filled in as the area's
// ingesters land.
func (v *view) linkPrivesc() {}
