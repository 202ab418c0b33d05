package actions

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// twine upload reads the password of the ~/.pypirc section named for the
// repository it uploads to, which is [pypi] without -r. So a secret that
// an earlier line wrote there logs in to that repository's registry.
func TestReleasePyPIRC(t *testing.T) {
	checkAccounts(t, []accountCase{
		{"here-document", "      - run: |\n          cat > ~/.pypirc <<EOF\n          [pypi]\n          username = __token__\n          password = ${{ secrets.TOK }}\n          [testpypi]\n          password = ${{ secrets.CTRL }}\n          EOF\n          twine upload dist/*\n",
			"pypi.org", graph.Certain, true, true},
		{"printf in an earlier step", "      - run: printf '[pypi]\\nusername = __token__\\npassword = %s\\n' \"$PW\" > ~/.pypirc\n        env: {PW: '${{ secrets.TOK }}'}\n      - run: python -m twine upload dist/*\n",
			"pypi.org", graph.Certain, true, true},
		{"testpypi section", "      - run: |\n          echo '[testpypi]' > ~/.pypirc\n          echo 'password = ${{ secrets.TOK }}' >> ~/.pypirc\n      - run: twine upload -r testpypi dist/*\n",
			"test.pypi.org", graph.Certain, false, false},
	})
}

// A ~/.pypirc password counts only for a later twine upload to its
// section. It counts for no upload to another section or to a
// --repository-url and for no other tool's release, and a user name logs
// in nowhere.
func TestReleasePyPIRCWithoutUpload(t *testing.T) {
	const ctrl = "      - run: twine upload -u __token__ -p ${{ secrets.CTRL }} dist/*\n"
	checkNoAccounts(t, []noAccountCase{
		{"no upload", "      - run: echo 'password = ${{ secrets.TOK }}' > ~/.pypirc\n      - run: python -m build\n      - run: gem push ctrl-1.0.0.gem\n        env: {GEM_HOST_API_KEY: '${{ secrets.CTRL }}'}\n", "rubygems.org"},
		{"upload before the write", ctrl + "      - run: echo 'password = ${{ secrets.TOK }}' > ~/.pypirc\n", "pypi.org"},
		{"another section", "      - run: printf '[testpypi]\\npassword = %s\\n' '${{ secrets.TOK }}' > ~/.pypirc\n" + ctrl, "pypi.org"},
		{"repository URL", "      - run: echo 'password = ${{ secrets.TOK }}' > ~/.pypirc\n      - run: twine upload --repository-url https://upload.pypi.org/legacy/ -p ${{ secrets.CTRL }} dist/*\n", "pypi.org"},
		{"uv publish", "      - run: echo 'password = ${{ secrets.TOK }}' > ~/.pypirc\n      - run: uv publish --token ${{ secrets.CTRL }}\n", "pypi.org"},
		{"user name", "      - run: echo 'username = ${{ secrets.TOK }}' > ~/.pypirc\n" + ctrl, "pypi.org"},
	})
}
