"""scripts/eval --keywords: a question asked as a keyword query, function
words of both languages out, accented or not. Needs bilex-lab (BILEX_BIN)."""
import importlib.machinery
import importlib.util
import os
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
loader = importlib.machinery.SourceFileLoader("bilex_eval", os.path.join(ROOT, "scripts", "eval"))
spec = importlib.util.spec_from_loader("bilex_eval", loader)
ev = importlib.util.module_from_spec(spec)
loader.exec_module(ev)


class Keywords(unittest.TestCase):
    stop = ev.function_words()

    def test_both_languages_function_words_out(self):
        self.assertEqual(ev.keywords("how many points did the panthers defense surrender", self.stop),
                         "many points panthers defense surrender")
        self.assertEqual(ev.keywords("qué equipo consiguió más capturas en la temporada", self.stop),
                         "equipo consiguió capturas temporada")

    def test_accents_folded_but_the_tilde_of_n(self):
        self.assertEqual(ev.fold_accents("qué más niño año"), "que mas niño año")
        self.assertEqual(ev.keywords("quién ganó el año", self.stop), "ganó año")

    def test_a_query_of_function_words_only_is_kept(self):
        self.assertEqual(ev.keywords("what is the", self.stop), "what is the")


if __name__ == "__main__":
    unittest.main()
