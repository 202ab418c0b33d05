package link

func (v *view) linkCaches() {}
