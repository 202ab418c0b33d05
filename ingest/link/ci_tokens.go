package link

func (v *view) linkTokenDispatch() {}
