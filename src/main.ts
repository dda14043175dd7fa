// The app's entry: styles, then the page element (it reads which notebook to open from the page).
import 'katex/dist/katex.min.css';
import './ui/app.css';
import './ui/gg-app.ts';
