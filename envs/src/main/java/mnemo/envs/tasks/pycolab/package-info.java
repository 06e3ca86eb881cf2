/**
 * The three-phase pycolab tasks of Hung et al. 2019 on the grid engine: {@code memory/visual-match}
 * (passive and active) and {@code memory/key-to-door}, with a 5×5 RGB crop and four moves.
 */
package mnemo.envs.tasks.pycolab;
